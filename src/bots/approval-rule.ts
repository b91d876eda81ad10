import type { Config } from "../config/schema.js";
import { accountTargets, type PublishTarget, TARGET_LABEL, targetForPlatform } from "../publish/index.js";
import type { Person, StoredPost } from "../queue/posts.js";

/** Who may approve a post that publishes, as each platform knows them. */
export interface Approvers {
  /** Whether anyone on this platform is an approver. */
  configured: boolean;
  /** Who they are, for the clicker who is not one ("a member with the role @social team"). */
  who: string;
  /** The setting that names them, for the start-up line when none is set. */
  setting: string;
}

/**
 * Who may approve what, once for every platform and for Approve and Schedule alike: approving a
 * post for an account the team has configured publishes it, so only an approver may; a post that
 * publishes nothing ("ready to post") may be approved by the person who asked or an approver.
 */
export function createApprovalRule(config: Config, approvers: Approvers) {
  const accounts = accountTargets(config);

  /** The account approving this post would publish to, when only an approver may approve it. */
  function publishesTo(post: StoredPost): PublishTarget | undefined {
    if (!approvers.configured) return undefined;
    const target = targetForPlatform(post.record.bundle.platform);
    return target && accounts.includes(target) ? target : undefined;
  }

  return {
    accounts,
    publishesTo,
    /**
     * Why `user` may not approve (or retry, or schedule) the post, or undefined when they may;
     * `notAsker` is the sentence when only the person who asked (or `also`) might.
     */
    whyNot(
      post: StoredPost,
      user: { person: Person; approver: boolean },
      notAsker: string,
      also?: Person,
    ): string | undefined {
      const target = publishesTo(post);
      if (target)
        return user.approver
          ? undefined
          : `Approving this post publishes it to ${TARGET_LABEL[target]}, so only an approver can: ${approvers.who}.`;
      const mayAsAsker = user.person.id === post.record.requester.id || user.person.id === also?.id;
      return mayAsAsker || user.approver ? undefined : notAsker;
    },
  };
}
