export interface RenderedButton {
  actionId: string;
  value?: string;
  label: string;
  style?: string;
  url?: string;
  blockId?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export function buttonFrom(el: unknown, blockId: string | undefined): RenderedButton | undefined {
  if (!isObj(el) || el.type !== "button" || typeof el.action_id !== "string") return undefined;
  const label = isObj(el.text) && typeof el.text.text === "string" ? el.text.text : el.action_id;
  return {
    actionId: el.action_id,
    label,
    ...(typeof el.value === "string" ? { value: el.value } : {}),
    ...(typeof el.style === "string" ? { style: el.style } : {}),
    ...(typeof el.url === "string" ? { url: el.url } : {}),
    ...(blockId !== undefined ? { blockId } : {}),
  };
}

/** Every button in a message, in reading order: actions blocks and section accessories. */
export function listButtons(blocks: readonly unknown[] | undefined): RenderedButton[] {
  const buttons: RenderedButton[] = [];
  for (const block of blocks ?? []) {
    if (!isObj(block)) continue;
    const blockId = typeof block.block_id === "string" ? block.block_id : undefined;
    const candidates = block.type === "actions" && Array.isArray(block.elements) ? block.elements : [block.accessory];
    for (const el of candidates) {
      const button = buttonFrom(el, blockId);
      if (button) buttons.push(button);
    }
  }
  return buttons;
}
