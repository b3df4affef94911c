import type { ObserveRequest, RequestObserver } from '../routing/observer.js';

/**
 * One observer factory telling both `first` (metrics) and `second` (tracing) about every request; the
 * `traceparent` sent upstream is the first one either returns.
 */
export function teeObservers(first: ObserveRequest, second: ObserveRequest): ObserveRequest {
  return (request) => {
    const a = first(request);
    const b = second(request);
    const tee: RequestObserver = {
      resolved: (served) => {
        a.resolved(served);
        b.resolved(served);
      },
      attemptStarted: (d) => {
        const fromA = a.attemptStarted(d);
        const fromB = b.attemptStarted(d);
        return fromA ?? fromB;
      },
      attemptEnded: (d, err, cooled) => {
        a.attemptEnded(d, err, cooled);
        b.attemptEnded(d, err, cooled);
      },
      retried: (d) => {
        a.retried(d);
        b.retried(d);
      },
      fellBack: (from, to) => {
        a.fellBack(from, to);
        b.fellBack(from, to);
      },
      firstByte: (now) => {
        a.firstByte(now);
        b.firstByte(now);
      },
      data: (value) => {
        a.data(value);
        b.data(value);
      },
      responded: (response) => {
        a.responded(response);
        b.responded(response);
      },
      failed: (err) => {
        a.failed(err);
        b.failed(err);
      },
      ended: (aborted, reason) => {
        a.ended(aborted, reason);
        b.ended(aborted, reason);
      },
    };
    return tee;
  };
}
