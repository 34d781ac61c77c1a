/**
 * Words for why a job runs (`--explain`, spec §3 "Up to date"): one short
 * phrase per {@link DirtyReason}, naming the exact input or field.
 */
import type { DirtyReason } from '../executor/events.js';

/** One phrase for a reason, e.g. `input raw/0001/telem.dat changed (content)`. */
export function describeReason(r: DirtyReason): string {
  switch (r.kind) {
    case 'forced':
      return r.rule ? `forced (--forcerun ${r.rule})` : 'forced (--force)';
    case 'interrupted-last-run':
      return 'its last run was interrupted';
    case 'failed-last-run':
      return `its last run failed (${r.reason})`;
    case 'output-missing':
      return `output ${r.path} is missing`;
    case 'upstream':
      return `upstream job ${r.id} runs`;
    case 'temp-needed':
      return `temp output ${r.path} is missing and ${r.by}, which runs, reads it`;
    case 'rule-changed':
      return 'the rule\'s declared inputs or outputs changed';
    case 'command-changed':
      return 'its command changed';
    case 'params-changed':
      return 'its params changed';
    case 'input-changed':
      return r.detail === 'new-input'
        ? `input ${r.path} is new since the last run`
        : r.detail === 'content'
          ? `input ${r.path} changed (content differs)`
          : `input ${r.path} changed (mtime or size)`;
    case 'no-record':
      return 'it has no outputs to check and no record of an earlier run';
    case 'input-newer':
      return `input ${r.path} is newer than the outputs (no record of an earlier run)`;
  }
}
