/**
 * User group members as one replica last read them from Slack, kept where every replica finds them: a replica whose
 * own cache is cold asks the others' answer first. Trusted for as long as a replica trusts its own (the same TTL), so
 * sharing widens no one's staleness.
 */
export interface SharedMembers {
  members: string[];
  /** When Slack answered (epoch ms). */
  fetchedAt: number;
}

export interface UsergroupShare {
  loadMembers(handle: string): Promise<SharedMembers | undefined>;
  /** Keeps the newer of this and what is there. */
  saveMembers(handle: string, shared: SharedMembers): Promise<void>;
}
