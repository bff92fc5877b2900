/**
 * Running what a form or a confirmation submits: while it runs the view waits (busy), what
 * it resolves with goes to onDone (the status line), and what it throws stays in the view,
 * verbatim, as the refusal; a server's refusal says so.
 */
import {useState} from 'react';
import {ServerRefusedError} from '../../client/client-errors.js';
import {messageOf} from '../../protocol/errors.js';
import type {StatusMessage} from './chrome.js';

export interface Submission {
  busy: boolean;
  /** Why the last run failed, or null. */
  refusal: string | null;
  submit(run: () => Promise<StatusMessage>): void;
  /** Forgets the refusal (the user changed something). */
  clearRefusal(): void;
}

export function refusalText(error: unknown): string {
  return error instanceof ServerRefusedError ? `The server refused: ${messageOf(error)}` : messageOf(error);
}

export function useSubmission(onDone: (message: StatusMessage) => void): Submission {
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  return {
    busy,
    refusal,
    submit(run) {
      setBusy(true);
      setRefusal(null);
      run().then(onDone, (error: unknown) => {
        setBusy(false);
        setRefusal(refusalText(error));
      });
    },
    clearRefusal: () => setRefusal(null),
  };
}
