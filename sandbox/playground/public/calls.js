// The side panel: what the GitHub, Jira and Slack emulators received from Gantry, newest first.
import { $, app, el } from "./client.js";

export function renderCalls() {
  const list = $("call-list");
  const show = { github: $("f-github").checked, jira: $("f-jira").checked, slack: $("f-slack").checked };
  const reads = $("f-reads").checked;
  list.replaceChildren();
  const visible = app.calls.filter((c) => show[c.service] && (reads || c.write));
  for (const c of visible.slice(-150).reverse()) {
    const li = el("li", `call ${c.service}${c.status >= 400 || c.unexpected ? " bad" : ""}`);
    const head = li.appendChild(el("div", "call-head"));
    head.append(
      el("span", `svc ${c.service}`, c.service === "github" ? "GitHub" : c.service === "jira" ? "Jira" : "Slack"),
    );
    head.append(el("span", "call-method", c.method));
    head.append(el("span", "call-status", String(c.status)));
    head.append(el("span", "call-time", new Date(c.at).toLocaleTimeString()));
    li.append(el("div", "call-path", c.path));
    if (c.operation) li.append(el("div", "call-op", c.operation));
    if (c.body) {
      const details = li.appendChild(el("details"));
      details.append(el("summary", "", "body"));
      details.append(el("pre", "call-body", c.body));
    }
    list.append(li);
  }
  $("calls-count").textContent = String(app.calls.filter((c) => c.service !== "slack" && c.write).length);
}
