import { randomBytes } from "node:crypto";
import type {
  FilesCompleteUploadExternalResponse,
  FilesGetUploadURLExternalResponse,
  FilesInfoResponse,
} from "@slack/web-api";
import { fail, type ApiResult, type Method, type MethodSpec } from "./methods.js";
import { str, type Args } from "./request-body.js";
import type { EmulatedFile, SharedFile } from "./types.js";
import { validateBlocks } from "./validate-blocks.js";
import type { Workspace } from "./workspace.js";

/** Slack's own cap for one file. */
const MAX_FILE_BYTES = 1024 * 1024 * 1024;

const MIME_TYPES: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  svg: "image/svg+xml",
  webp: "image/webp",
  pdf: "application/pdf",
  txt: "text/plain",
  text: "text/plain",
  md: "text/plain",
  csv: "text/csv",
  json: "application/json",
  yml: "text/plain",
  yaml: "text/plain",
  log: "text/plain",
  html: "text/html",
};

function fileType(name: string): { filetype: string; mimetype: string } {
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  const mimetype = MIME_TYPES[ext];
  if (mimetype === undefined) return { filetype: "binary", mimetype: "application/octet-stream" };
  return { filetype: ext === "jpeg" ? "jpg" : ext === "txt" || ext === "md" ? "text" : ext, mimetype };
}

const invalid = (message: string): ApiResult =>
  fail("invalid_arguments", { response_metadata: { messages: [`[ERROR] ${message}`] } });

/** Where the emulator serves a file's bytes (Slack's `url_private`; the emulator does not ask for a token). */
export function filePath(file: Pick<EmulatedFile, "id" | "name">): string {
  return `/files-pri/${file.id}/${encodeURIComponent(file.name)}`;
}

export function sharedFile(file: EmulatedFile, ws: Workspace, baseUrl: string): SharedFile {
  return {
    id: file.id,
    name: file.name,
    title: file.title,
    mimetype: file.mimetype,
    filetype: file.filetype,
    size: file.bytes.length,
    ...(file.altText !== undefined ? { alt_txt: file.altText } : {}),
    url_private: `${baseUrl}${filePath(file)}`,
    permalink: `https://${ws.identity.teamDomain}.slack.com/files/${file.user}/${file.id}/${encodeURIComponent(file.name)}`,
  };
}

function fileObject(file: EmulatedFile, ws: Workspace, baseUrl: string) {
  const shared = sharedFile(file, ws, baseUrl);
  return {
    ...shared,
    created: file.created,
    timestamp: file.created,
    pretty_type: file.filetype.toUpperCase(),
    user: file.user,
    user_team: ws.identity.teamId,
    editable: false,
    mode: "hosted",
    is_external: false,
    external_type: "",
    is_public: file.channel !== undefined && !(ws.channels.get(file.channel)?.isPrivate ?? false),
    public_url_shared: false,
    display_as_bot: false,
    username: "",
    url_private_download: shared.url_private,
    channels:
      file.channel !== undefined && !file.channel.startsWith("D") && !file.channel.startsWith("G")
        ? [file.channel]
        : [],
    groups: file.channel?.startsWith("G") ? [file.channel] : [],
    ims: file.channel?.startsWith("D") ? [file.channel] : [],
  };
}

const getUploadURLExternal: Method = (args, { ws, baseUrl }) => {
  const filename = str(args, "filename");
  if (filename === undefined || filename === "") return invalid("missing required field: filename");
  const lengthArg = str(args, "length");
  if (lengthArg === undefined) return invalid("missing required field: length");
  const length = Number(lengthArg);
  if (!Number.isInteger(length) || length < 1) return fail("invalid_length");
  if (length > MAX_FILE_BYTES) return fail("file_size_too_large");
  const altText = str(args, "alt_text");
  const id = ws.newId("F");
  ws.files.set(id, {
    id,
    name: filename,
    title: filename,
    bytes: Buffer.alloc(0),
    length,
    ...(altText !== undefined && altText !== "" ? { altText } : {}),
    ...fileType(filename),
    uploaded: false,
    completed: false,
    user: ws.identity.botUserId,
    created: Math.floor(ws.now() / 1000),
  });
  const secret = randomBytes(12).toString("hex");
  ws.uploadUrls.set(secret, id);
  return {
    ok: true,
    upload_url: `${baseUrl}/upload/v1/${secret}`,
    file_id: id,
  } satisfies FilesGetUploadURLExternalResponse;
};

/** `files` arrives as a JSON string in form posts and as an array in JSON posts. */
function readFileRefs(args: Args): { id: string; title?: string }[] | undefined {
  let value = args.files;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const refs: { id: string; title?: string }[] = [];
  for (const item of value) {
    if (typeof item !== "object" || item === null) return undefined;
    const { id, title } = item as { id?: unknown; title?: unknown };
    if (typeof id !== "string") return undefined;
    refs.push(typeof title === "string" && title !== "" ? { id, title } : { id });
  }
  return refs;
}

const completeUploadExternal: Method = (args, { ws, baseUrl }) => {
  const refs = readFileRefs(args);
  if (!refs) return invalid("files must be a non-empty JSON array of {id, title}");
  const files: EmulatedFile[] = [];
  for (const ref of refs) {
    const file = ws.files.get(ref.id);
    if (!file || file.completed) return fail("file_not_found");
    // Real Slack fails the completion of a file whose bytes never arrived; the emulator also insists on the promised length.
    if (!file.uploaded || file.bytes.length !== file.length) return fail("file_not_found");
    files.push(file);
  }

  const channelArg = str(args, "channel_id") ?? str(args, "channels");
  let channel: string | undefined;
  if (channelArg !== undefined && channelArg !== "") {
    if (channelArg.includes(",")) return invalid("only one channel may be given");
    channel = ws.resolveChannel(channelArg);
    if (!channel) return fail("channel_not_found");
  }
  let threadTs = str(args, "thread_ts");
  if (threadTs !== undefined && threadTs !== "") {
    if (!channel) return invalid("thread_ts requires channel_id");
    const parent = ws.findMessage(channel, threadTs);
    // As in chat.postMessage: real Slack posts a broken reply; failing loudly catches the bot bug instead.
    if (!parent) return fail("thread_not_found");
    threadTs = parent.thread_ts ?? parent.ts;
  } else {
    threadTs = undefined;
  }
  const blocks = args.blocks;
  if (blocks !== undefined) {
    const problems = validateBlocks(blocks);
    if (problems) return fail(problems.error, { response_metadata: { messages: problems.messages } });
  }

  refs.forEach((ref, i) => {
    const file = files[i];
    if (!file) return;
    file.completed = true;
    if (ref.title !== undefined) file.title = ref.title;
  });
  if (channel !== undefined) {
    const { botUserId, botId } = ws.identity;
    const m = ws.post({
      channel,
      ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      text: str(args, "initial_comment") ?? "",
      ...(Array.isArray(blocks) ? { blocks: blocks as unknown[] } : {}),
      user: botUserId,
      bot_id: botId,
      files: files.map((f) => sharedFile(f, ws, baseUrl)),
      via: "files.completeUploadExternal",
    });
    for (const file of files) {
      file.channel = channel;
      file.ts = m.ts;
      if (threadTs !== undefined) file.thread_ts = threadTs;
    }
  }
  return {
    ok: true,
    files: files.map((f) => ({ id: f.id, title: f.title })),
  } satisfies FilesCompleteUploadExternalResponse;
};

const info: Method = (args, { ws, baseUrl }) => {
  const file = ws.files.get(str(args, "file") ?? "");
  if (!file || !file.completed) return fail("file_not_found");
  return { ok: true, file: fileObject(file, ws, baseUrl), comments: [] } satisfies FilesInfoResponse;
};

export const fileMethods: Record<string, MethodSpec> = {
  "files.getUploadURLExternal": { token: "bot", run: getUploadURLExternal },
  "files.completeUploadExternal": { token: "bot", run: completeUploadExternal },
  "files.info": { token: "bot", run: info },
};

export interface UploadOutcome {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/**
 * A POST to an upload URL: the bytes as a multipart form (what `@slack/web-api` sends, field `body` or the first
 * file part) or as the raw request body. Slack answers `OK - <bytes>` in plain text.
 */
export function handleUpload(
  ws: Workspace,
  secret: string,
  contentType: string | undefined,
  body: Buffer,
): UploadOutcome {
  const text = { "content-type": "text/plain; charset=utf-8" };
  const id = ws.uploadUrls.get(secret);
  const file = id === undefined ? undefined : ws.files.get(id);
  if (!file) return { status: 404, body: "Not Found", headers: text };
  if (file.completed) return { status: 410, body: "Gone", headers: text };
  const bytes = /^multipart\/form-data/i.test(contentType ?? "") ? multipartFile(contentType ?? "", body) : body;
  if (bytes === undefined) return { status: 400, body: "Bad Request: no file part", headers: text };
  file.bytes = Buffer.from(bytes);
  file.uploaded = true;
  return { status: 200, body: `OK - ${file.bytes.length}`, headers: text };
}

/** The bytes of a file the emulator holds, for GET on its `url_private`. */
export function serveFile(
  ws: Workspace,
  path: string,
): { status: number; body: Buffer; headers: Record<string, string> } {
  const id = path.slice("/files-pri/".length).split("/")[0] ?? "";
  const file = ws.files.get(id);
  if (!file || !file.completed)
    return { status: 404, body: Buffer.from("Not Found"), headers: { "content-type": "text/plain" } };
  return { status: 200, body: file.bytes, headers: { "content-type": file.mimetype } };
}

/** Extracts the `body` part (else the first part with a filename, else the first part) of a multipart body. */
export function multipartFile(contentType: string, body: Buffer): Buffer | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2]?.trim();
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { headers: string; content: Buffer }[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const afterDelimiter = start + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString("latin1") === "--") break;
    const headerEnd = body.indexOf("\r\n\r\n", afterDelimiter);
    if (headerEnd < 0) break;
    const next = body.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), headerEnd + 4);
    if (next < 0) break;
    parts.push({
      headers: body.subarray(afterDelimiter, headerEnd).toString("utf8"),
      content: body.subarray(headerEnd + 4, next),
    });
    start = next + 2;
  }
  const named = (name: string) => parts.find((p) => new RegExp(`name="${name}"`, "i").test(p.headers));
  return (named("body") ?? named("file") ?? parts.find((p) => /filename=/i.test(p.headers)) ?? parts[0])?.content;
}
