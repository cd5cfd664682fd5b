/**
 * A fetch that gives up after `timeoutMs`. @octokit/request 10 ignores the old `request.timeout` option, so without
 * this a GitHub that never answers holds a deploy (and the tracker's poll) for as long as the socket stays open.
 */
export function timeoutFetch(timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(input, { ...init, signal });
  };
}
