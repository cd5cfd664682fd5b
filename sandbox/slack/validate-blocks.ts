/**
 * A subset of Slack's Block Kit limits, enough to catch the layouts that Slack would reject with
 * `invalid_blocks` in production but a permissive fake would let through.
 */
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export interface BlockProblems {
  error: "invalid_blocks" | "invalid_blocks_format";
  messages: string[];
}

export function validateBlocks(blocks: unknown, maxBlocks = 50): BlockProblems | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return { error: "invalid_blocks_format", messages: ["[ERROR] blocks must be an array"] };
  const problems: string[] = [];
  const fail = (path: string, msg: string) => problems.push(`[ERROR] ${msg} [json-pointer:/blocks${path}]`);
  if (blocks.length > maxBlocks) fail("", `no more than ${maxBlocks} items allowed`);
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    const at = `/${i}`;
    if (!isObj(block) || typeof block.type !== "string") return fail(at, "must provide an object with a string type");
    if (typeof block.block_id === "string") {
      if (blockIds.has(block.block_id)) fail(`${at}/block_id`, "duplicate block_id");
      blockIds.add(block.block_id);
    }
    checkBlock(block, at, fail);
  });
  return problems.length > 0 ? { error: "invalid_blocks", messages: problems } : undefined;
}

type Fail = (path: string, msg: string) => void;

function checkText(text: unknown, at: string, max: number, fail: Fail, plainOnly = false): void {
  if (!isObj(text) || typeof text.text !== "string") return fail(at, "must provide a text object");
  if (text.type !== "plain_text" && (plainOnly || text.type !== "mrkdwn")) {
    fail(`${at}/type`, plainOnly ? "must be plain_text" : "must be plain_text or mrkdwn");
  }
  if (text.text.length > max) fail(`${at}/text`, `must be less than ${max + 1} characters`);
  if (text.text.length === 0) fail(`${at}/text`, "must be more than 0 characters");
}

function checkBlock(block: Obj, at: string, fail: Fail): void {
  switch (block.type) {
    case "section":
      if (block.text === undefined && block.fields === undefined) fail(at, "must provide text or fields");
      if (block.text !== undefined) checkText(block.text, `${at}/text`, 3000, fail);
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length > 10)
          fail(`${at}/fields`, "no more than 10 items allowed");
        else block.fields.forEach((f, j) => checkText(f, `${at}/fields/${j}`, 2000, fail));
      }
      if (isObj(block.accessory)) checkElement(block.accessory, `${at}/accessory`, fail);
      return;
    case "header":
      return checkText(block.text, `${at}/text`, 150, fail, true);
    case "context":
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10) {
        fail(`${at}/elements`, "must provide between 1 and 10 elements");
      }
      return;
    case "actions":
      return checkActions(block, at, fail);
    case "image":
      if (typeof block.image_url !== "string" && !isObj(block.slack_file))
        fail(at, "must provide image_url or slack_file");
      if (typeof block.alt_text !== "string") fail(`${at}/alt_text`, "must provide a string");
      return;
    default:
      return;
  }
}

function checkActions(block: Obj, at: string, fail: Fail): void {
  if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25) {
    return fail(`${at}/elements`, "must provide between 1 and 25 elements");
  }
  const actionIds = new Set<string>();
  block.elements.forEach((el, j) => {
    if (!isObj(el)) return fail(`${at}/elements/${j}`, "must provide an object");
    if (typeof el.action_id === "string") {
      if (actionIds.has(el.action_id)) fail(`${at}/elements/${j}/action_id`, "duplicate action_id");
      actionIds.add(el.action_id);
    }
    checkElement(el, `${at}/elements/${j}`, fail);
  });
}

function checkElement(el: Obj, at: string, fail: Fail): void {
  if (typeof el.action_id === "string" && el.action_id.length > 255)
    fail(`${at}/action_id`, "must be less than 256 characters");
  if (el.type !== "button") return;
  checkText(el.text, `${at}/text`, 75, fail, true);
  if (typeof el.value === "string" && el.value.length > 2000) fail(`${at}/value`, "must be less than 2001 characters");
  if (el.style !== undefined && el.style !== "primary" && el.style !== "danger")
    fail(`${at}/style`, "must be primary or danger");
}
