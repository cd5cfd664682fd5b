import type { ViewStateSelectedOption, ViewStateValue } from "@slack/bolt";

/**
 * What a person has entered into a view, as Slack keeps it: `view.state.values[block_id][action_id]`, with the
 * element's type and its typed value (`value` for text and numbers, `selected_option` for selects and radios).
 */
export type ViewValues = Record<string, Record<string, ViewStateValue>>;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Elements whose value Slack keeps in the view's state (buttons and overflows have none). */
const STATEFUL = new Set([
  "plain_text_input",
  "number_input",
  "email_text_input",
  "url_text_input",
  "static_select",
  "external_select",
  "radio_buttons",
]);

export interface StatefulElement {
  blockId: string;
  actionId: string;
  element: Obj;
  /** Set for input blocks: whether the field may be left empty, and whether a change is sent as block_actions. */
  input?: { optional: boolean; dispatch: boolean; label: string };
}

/** Every element with state, in reading order: input blocks, actions blocks and section accessories. */
export function statefulElements(blocks: readonly unknown[]): StatefulElement[] {
  const found: StatefulElement[] = [];
  for (const block of blocks) {
    if (!isObj(block) || typeof block.block_id !== "string") continue;
    const blockId = block.block_id;
    const push = (el: unknown, input?: StatefulElement["input"]) => {
      if (!isObj(el) || typeof el.type !== "string" || !STATEFUL.has(el.type) || typeof el.action_id !== "string")
        return;
      found.push({ blockId, actionId: el.action_id, element: el, ...(input ? { input } : {}) });
    };
    if (block.type === "input") {
      const label = isObj(block.label) && typeof block.label.text === "string" ? block.label.text : blockId;
      push(block.element, { optional: block.optional === true, dispatch: block.dispatch_action === true, label });
    } else if (block.type === "actions" && Array.isArray(block.elements)) {
      block.elements.forEach((el) => push(el));
    } else if (block.type === "section") {
      push(block.accessory);
    }
  }
  return found;
}

/** Slack fills in the block_id and action_id of input blocks that lack one; the state is keyed by them. */
export function withGeneratedIds(blocks: readonly unknown[], newId: () => string): unknown[] {
  return blocks.map((block) => {
    if (!isObj(block) || block.type !== "input") return block;
    const element =
      isObj(block.element) && typeof block.element.action_id !== "string"
        ? { ...block.element, action_id: newId() }
        : block.element;
    return { ...block, block_id: typeof block.block_id === "string" ? block.block_id : newId(), element };
  });
}

/** The options an element offers (static selects and radios; options or option groups). */
export function elementOptions(el: Obj): ViewStateSelectedOption[] {
  const plain = (list: unknown): ViewStateSelectedOption[] =>
    Array.isArray(list)
      ? list.filter((o): o is ViewStateSelectedOption => isObj(o) && typeof o.value === "string" && isObj(o.text))
      : [];
  const groups = Array.isArray(el.option_groups)
    ? el.option_groups.flatMap((g) => (isObj(g) ? plain(g.options) : []))
    : [];
  return [...plain(el.options), ...groups];
}

function initialValue(el: Obj): ViewStateValue {
  const type = el.type as string;
  if (type === "static_select" || type === "external_select" || type === "radio_buttons") {
    const initial = isObj(el.initial_option) ? (el.initial_option as unknown as ViewStateSelectedOption) : null;
    return { type, selected_option: initial ? { text: initial.text, value: initial.value } : null };
  }
  return { type, value: typeof el.initial_value === "string" ? el.initial_value : null };
}

/** The state Slack would send: initial values, overridden by what was entered. */
export function viewState(blocks: readonly unknown[], entered: ViewValues): ViewValues {
  const values: ViewValues = {};
  for (const { blockId, actionId, element } of statefulElements(blocks)) {
    (values[blockId] ??= {})[actionId] = entered[blockId]?.[actionId] ?? initialValue(element);
  }
  return values;
}

/**
 * What survives a views.update: Slack keeps entered values when the new view has the same block_id and action_id
 * (and, for a static select, still offers the chosen option).
 */
export function keptValues(blocks: readonly unknown[], entered: ViewValues): ViewValues {
  const kept: ViewValues = {};
  for (const { blockId, actionId, element } of statefulElements(blocks)) {
    const value = entered[blockId]?.[actionId];
    if (!value || value.type !== element.type) continue;
    const chosen = value.selected_option?.value;
    if (
      element.type !== "external_select" &&
      chosen !== undefined &&
      !elementOptions(element).some((o) => o.value === chosen)
    )
      continue;
    (kept[blockId] ??= {})[actionId] = value;
  }
  return kept;
}

/** Builds the typed value for an entry: text for inputs, an option (by value, or as given) for selects. */
export function typedValue(el: StatefulElement, entry: string | ViewStateSelectedOption): ViewStateValue {
  const type = el.element.type as string;
  if (type === "static_select" || type === "radio_buttons" || type === "external_select") {
    const wanted = typeof entry === "string" ? entry : entry.value;
    const offered = elementOptions(el.element).find((o) => o.value === wanted);
    if (offered) return { type, selected_option: { text: offered.text, value: offered.value } };
    if (type === "external_select" && typeof entry !== "string")
      return { type, selected_option: { text: entry.text, value: entry.value } };
    throw new Error(`${el.blockId}/${el.actionId} offers no option ${JSON.stringify(wanted)}`);
  }
  if (typeof entry !== "string") throw new Error(`${el.blockId}/${el.actionId} is a ${type}: enter text`);
  return { type, value: entry };
}

/**
 * What Slack's client refuses before anything is sent: empty required fields and text outside min/max length.
 * Keyed by block_id, in Slack's words.
 */
export function clientErrors(blocks: readonly unknown[], values: ViewValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const { blockId, actionId, element, input } of statefulElements(blocks)) {
    if (!input) continue;
    const v = values[blockId]?.[actionId];
    const text = v?.value ?? undefined;
    const empty = v?.selected_option ? false : text === undefined || text === null || text === "";
    if (empty) {
      if (!input.optional) errors[blockId] = "This field is required.";
      continue;
    }
    if (typeof text === "string") {
      if (typeof element.min_length === "number" && text.length < element.min_length)
        errors[blockId] = `Must be at least ${element.min_length} characters.`;
      if (typeof element.max_length === "number" && text.length > element.max_length)
        errors[blockId] = `Must be at most ${element.max_length} characters.`;
      if (element.type === "number_input" && !Number.isFinite(Number(text))) errors[blockId] = "Enter a number.";
    }
  }
  return errors;
}
