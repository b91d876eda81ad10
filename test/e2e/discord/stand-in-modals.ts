import type { Refusal } from "./stand-in-limits.js";

/**
 * What Discord checks of a modal (callback type 9, MODAL) and of the answer to a modal's submit
 * (interaction type 5, MODAL_SUBMIT), as 50035 Invalid Form Body with the field's path: a title of
 * 1–45 characters, a custom_id of 1–100, one to five Label components (type 18, or the older
 * action rows) each with a label of 1–45 and one text input (type 4) with a custom_id; a modal only in answer to a slash command
 * or a component click; a deferred update (type 6) to a modal's submit only when the modal was
 * opened from a message.
 */

/** An interaction as dispatched: its type and whether it came from a message. */
export interface Dispatched {
  type: number;
  fromMessage: boolean;
}

const CALLBACK_MODAL = 9;
const CALLBACK_DEFERRED_UPDATE = 6;
const CALLBACK_UPDATE = 7;
const MODAL_SUBMIT = 5;

function invalid(path: string[], code: string, message: string): Refusal {
  let errors: Record<string, unknown> = { _errors: [{ code, message }] };
  for (const key of [...path].reverse()) errors = { [key]: errors };
  return { status: 400, body: { message: "Invalid Form Body", code: 50035, errors } };
}

const length = (v: unknown, min: number, max: number) =>
  typeof v === "string" && [...v].length >= min && [...v].length <= max;

/** Why Discord would refuse this callback to this interaction, if it would. */
export function callbackRefusal(
  json: Record<string, unknown> | undefined,
  to: Dispatched,
): Refusal | undefined {
  const type = Number(json?.type);
  if (to.type === MODAL_SUBMIT && type === CALLBACK_MODAL)
    return invalid(["type"], "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type");
  if (
    to.type === MODAL_SUBMIT &&
    !to.fromMessage &&
    (type === CALLBACK_DEFERRED_UPDATE || type === CALLBACK_UPDATE)
  )
    return invalid(["type"], "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type");
  return type === CALLBACK_MODAL ? modalRefusal((json?.data ?? {}) as Record<string, unknown>) : undefined;
}

function modalRefusal(data: Record<string, unknown>): Refusal | undefined {
  const max = (n: number) => `Must be between 1 and ${n} in length.`;
  if (!length(data.title, 1, 45)) return invalid(["data", "title"], "BASE_TYPE_BAD_LENGTH", max(45));
  if (!length(data.custom_id, 1, 100))
    return invalid(["data", "custom_id"], "BASE_TYPE_BAD_LENGTH", max(100));
  const components = Array.isArray(data.components) ? (data.components as Record<string, unknown>[]) : [];
  if (components.length < 1 || components.length > 5)
    return invalid(["data", "components"], "BASE_TYPE_BAD_LENGTH", max(5));
  for (const [n, c] of components.entries()) {
    const at = ["data", "components", String(n)];
    // A Label (type 18) holds its input; the older action row (type 1) holds one input with its label.
    const row =
      c.type === 1 ? ((c.components as Record<string, unknown>[] | undefined)?.[0] ?? {}) : undefined;
    if (c.type !== 18 && !row)
      return invalid([...at, "type"], "COMPONENT_TYPE_INVALID", "Invalid component type");
    if (!length(row ? row.label : c.label, 1, 45))
      return invalid([...at, "label"], "BASE_TYPE_BAD_LENGTH", max(45));
    const input = (row ?? c.component ?? {}) as Record<string, unknown>;
    if (input.type !== 4 || !length(input.custom_id, 1, 100) || ![1, 2].includes(Number(input.style)))
      return invalid([...at, "component"], "COMPONENT_INVALID", "Invalid text input");
  }
  return undefined;
}
