// The composer's command picker, as Slack shows it while you type a slash command.
import { plain } from "./blocks.js";
import { $, app, el } from "./client.js";

export function hints() {
  const box = $("hints");
  const text = $("composer-input").value;
  if (!text.startsWith("/")) return void (box.hidden = true);
  const word = text.split(/\s/)[0];
  const exact = app.world.commands.find((c) => c.name === word);
  box.replaceChildren();
  const rows = [];
  if (exact && (text.length > word.length || app.world.commands.filter((c) => c.name.startsWith(word)).length === 1)) {
    box.append(el("div", "hints-title", `${exact.name} — ${exact.summary}`));
    for (const u of exact.usage) rows.push({ syntax: u.syntax, description: u.description });
  } else {
    box.append(el("div", "hints-title", "Gantry's commands"));
    for (const c of app.world.commands.filter((c) => c.name.startsWith(word)))
      rows.push({ syntax: c.usage[0]?.syntax ?? c.name, description: c.summary, name: c.name });
  }
  for (const r of rows) {
    const row = box.appendChild(el("button", "hint"));
    row.type = "button";
    row.append(el("code", "hint-syntax", r.syntax), el("span", "hint-desc", plain(r.description)));
    row.addEventListener("click", () => {
      const input = $("composer-input");
      input.value = r.name
        ? `${r.name} `
        : r.syntax.startsWith("/")
          ? r.syntax.replace(/\s*[<[].*$/, " ")
          : input.value;
      input.focus();
      hints();
    });
  }
  box.hidden = rows.length === 0;
}
