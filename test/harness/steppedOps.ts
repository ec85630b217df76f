// A test-only wrapper around the save's file operations: it numbers every operation (and the
// journal write) as it completes, so a test can stop the save right after any one of them.
import type { FolderOps } from '../../src/files/videoSave';

/** Called once each step has completed, numbered from 1; `what` says which (for messages). */
export type StepHook = (step: number, what: string) => void;

export interface Stepper {
  ops: FolderOps;
  /** Wraps the job's journal write so that it counts as a step too. */
  journal(write: (name: string) => Promise<void> | void): (name: string) => Promise<void>;
  readonly steps: string[];
}

export function stepped(inner: FolderOps, after: StepHook, before: () => void = () => undefined): Stepper {
  const steps: string[] = [];
  const done = (what: string) => {
    steps.push(what);
    after(steps.length, what);
  };
  function wrap<A extends unknown[], R>(name: string, op: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args: A) => {
      before();
      const result = await op.apply(inner, args);
      done(`${name}(${args.filter((arg) => typeof arg === 'string').join(', ')})`);
      return result;
    };
  }
  const ops: FolderOps = {
    where: inner.where,
    makeFolder: wrap('makeFolder', inner.makeFolder),
    createExclusive: wrap('createExclusive', inner.createExclusive),
    rename: wrap('rename', inner.rename),
    list: wrap('list', inner.list),
    size: wrap('size', inner.size),
    read: wrap('read', inner.read),
    remove: wrap('remove', inner.remove),
    flush: wrap('flush', inner.flush),
  };
  return {
    ops,
    steps,
    journal: (write) => async (name) => {
      before();
      await write(name);
      done(`journal(${name})`);
    },
  };
}
