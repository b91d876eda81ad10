import { configKeys } from "./schema.js";
import { secretEnvNames } from "./secrets.js";

/** Every configuration key with the schema's default, flattened; the README's reference is generated from this. */
function configRows(): [key: string, value: string][] {
  const rows: [string, string][] = [];
  const walk = (node: unknown, path: string[]) => {
    if (node && typeof node === "object" && !Array.isArray(node)) {
      for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
      return;
    }
    rows.push([path.join("."), node === undefined ? "(unset)" : JSON.stringify(node)]);
  };
  walk(configKeys.parse({}), []);
  return rows;
}

export const REFERENCE_START = "<!-- config-reference:start -->";
export const REFERENCE_END = "<!-- config-reference:end -->";

export function configReferenceMarkdown(): string {
  const envName = (key: string) =>
    `LLAVA_BOT__${key
      .split(".")
      .map((s) => s.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase())
      .join("__")}`;
  const lines = [
    "| key | default | environment |",
    "| --- | --- | --- |",
    ...configRows().map(([k, v]) => `| \`${k}\` | \`${v}\` | \`${envName(k)}\` |`),
  ];
  const secrets = Object.values(secretEnvNames())
    .map((n) => `\`${n}\``)
    .join(", ");
  return [
    REFERENCE_START,
    ...lines,
    "",
    `Secrets, only from the environment: ${secrets}.`,
    REFERENCE_END,
  ].join("\n");
}
