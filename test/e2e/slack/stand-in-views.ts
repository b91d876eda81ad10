/**
 * The Slack stand-in's views.open: modals opened on a click's trigger_id, recorded as Slack keeps
 * them (an id, the view, empty state), and refused as Slack refuses them: a trigger_id used twice
 * (`exchanged_trigger_id`), or a view Slack would not draw (`invalid_arguments`, with the
 * field's json-pointer): a title or submit of more than 24 characters, an input label of more
 * than 2,000, private_metadata of more than 3,000, more than 100 blocks.
 */
export interface OpenedView {
  id: string;
  trigger: string;
  view: Record<string, unknown> & {
    callback_id?: string;
    private_metadata?: string;
    blocks: {
      type: string;
      block_id?: string;
      label?: { text: string };
      element?: { type: string; action_id: string };
    }[];
  };
}

type Answer =
  | { ok: true; view: Record<string, unknown> }
  | { ok: false; error: string; response_metadata?: unknown };

function invalid(pointer: string, message: string): Answer {
  return {
    ok: false,
    error: "invalid_arguments",
    response_metadata: { messages: [`[ERROR] ${message} [json-pointer:${pointer}]`] },
  };
}

const tooLong = (v: unknown, max: number) => typeof v === "string" && v.length > max;

function viewRefusal(view: OpenedView["view"]): Answer | undefined {
  const text = (v: unknown) => (v as { text?: unknown } | undefined)?.text;
  if (view.type !== "modal") return invalid("/view/type", "must be one of: modal, home");
  if (!text(view.title) || tooLong(text(view.title), 24))
    return invalid("/view/title/text", "must be less than 25 characters");
  if (tooLong(text(view.submit), 24)) return invalid("/view/submit/text", "must be less than 25 characters");
  if (!Array.isArray(view.blocks) || view.blocks.length > 100)
    return invalid("/view/blocks", "no more than 100 items allowed");
  const inputs = view.blocks.filter((b) => b.type === "input");
  if (inputs.length && !text(view.submit))
    return invalid("/view/submit", "is required when an input block is present");
  for (const [n, b] of view.blocks.entries())
    if (b.type === "input" && (!b.label?.text || tooLong(b.label.text, 2000) || !b.element?.action_id))
      return invalid(
        `/view/blocks/${n}`,
        "input blocks need a label of up to 2000 characters and an element",
      );
  if (tooLong(view.private_metadata, 3000))
    return invalid("/view/private_metadata", "must be less than 3001 characters");
  return undefined;
}

export function createViews() {
  const opened: OpenedView[] = [];
  const used = new Set<string>();
  let counter = 0;
  return {
    opened,
    open(args: Record<string, unknown>): Answer {
      const trigger = String(args.trigger_id ?? "");
      if (!trigger) return { ok: false, error: "invalid_arguments" };
      if (used.has(trigger)) return { ok: false, error: "exchanged_trigger_id" };
      const view = (typeof args.view === "string" ? JSON.parse(args.view) : args.view) as OpenedView["view"];
      const refused = viewRefusal(view);
      if (refused) return refused;
      used.add(trigger);
      const id = `V${String(++counter).padStart(8, "0")}`;
      opened.push({ id, trigger, view });
      return {
        ok: true,
        view: {
          id,
          team_id: "T1",
          ...view,
          state: { values: {} },
          hash: `${Date.now()}.${id}`,
          root_view_id: id,
          previous_view_id: null,
          app_id: "A1",
          bot_id: "BBOT",
        },
      };
    },
  };
}
