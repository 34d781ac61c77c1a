/**
 * Branded string types for values with meaning, so they cannot be swapped by
 * accident (STYLE §3). Constructors are plain casts: validate before calling.
 */

/** A job's identity: `RULE` or `RULE[k=v,k2=v2]` (wildcards in the rule's order). */
export type JobId = string & { readonly __brand: 'JobId' };

/** A path relative to the workflow root, with `/` separators and no leading `./`. */
export type RelPath = string & { readonly __brand: 'RelPath' };

/** A lowercase hex SHA-256 digest. */
export type ContentHash = string & { readonly __brand: 'ContentHash' };

/** Brand a string as a {@link JobId}. */
export const asJobId = (s: string): JobId => s as JobId;
/** Brand a string as a {@link RelPath}. */
export const asRelPath = (s: string): RelPath => s as RelPath;
/** Brand a string as a {@link ContentHash}. */
export const asContentHash = (s: string): ContentHash => s as ContentHash;
