import type { Clock } from "../clock.js";
import type { MessagePlace, Notice, Notifier, VerificationAlert } from "../deploy/notifier.js";
import type { DeployView } from "../deploy/view.js";
import type { Deployment } from "../domain/deployment.js";
import { deployMessage, finishedReply } from "./messages/deploy-message.js";
import { noticeText } from "./messages/notices.js";
import { originsOf } from "./mrkdwn.js";
import type { SlackPort } from "./port.js";
import { postVerificationAlert, postVerificationEnded, type TeamNoticePorts } from "./verification-notices.js";
import { cannotPostThere } from "./web-slack.js";

export interface SlackNotifierOptions {
  clock: Clock;
  /** GitHub's web address and Jira's host: the only places a link in a deploy message may go. */
  githubWeb?: string | undefined;
  jiraHost?: string | undefined;
  /** The config and log of the teams' notify rules: verification alerts also go where they say. */
  teams?: TeamNoticePorts;
}

/** The deploy rules' Notifier, in Slack's words: each deploy's one message, its thread, direct messages. */
export class SlackNotifier implements Notifier {
  private readonly origins: readonly string[];

  constructor(
    private readonly slack: SlackPort,
    private readonly opts: SlackNotifierOptions,
  ) {
    this.origins = originsOf({ github: opts.githubWeb, jira: opts.jiraHost });
  }

  postDeploy(d: Deployment, view: DeployView): Promise<MessagePlace> {
    return this.slack.postMessage(d.slackChannel!, deployMessage(d, view, this.origins));
  }

  verificationEnded(d: Deployment): Promise<void> {
    return postVerificationEnded(this.slack, d);
  }

  verificationAlert(d: Deployment, alert: VerificationAlert): Promise<void> {
    return postVerificationAlert(this.slack, d, alert, this.opts.clock.now(), this.opts.teams);
  }

  updateDeploy(d: Deployment, view: DeployView): Promise<void> {
    return this.slack.updateMessage({ channel: d.slackChannel!, ts: d.slackTs! }, deployMessage(d, view, this.origins));
  }

  async deployEnded(d: Deployment): Promise<void> {
    await this.slack.postMessage(
      d.slackChannel!,
      finishedReply(d, this.opts.clock.now(), this.origins),
      d.slackTs ?? undefined,
    );
  }

  async inThread(d: Deployment, notice: Notice): Promise<void> {
    await this.slack.postMessage(
      d.slackChannel!,
      { text: noticeText(notice, this.opts.clock.now()) },
      d.slackTs ?? undefined,
    );
  }

  async toUser(user: string, notice: Notice): Promise<void> {
    await this.slack.postMessage(user, { text: noticeText(notice, this.opts.clock.now()) });
  }

  permalink(d: Deployment): Promise<string | undefined> {
    return this.slack.permalink({ channel: d.slackChannel!, ts: d.slackTs! });
  }

  refusesPosting(err: unknown): boolean {
    return cannotPostThere(err);
  }
}
