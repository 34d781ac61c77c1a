/**
 * Collects the declarations of every loaded file into one namespace (spec
 * §2, §6 "Files and names"): products and rules share it, wildcards have
 * their own, `workflow` and `default` appear at most once.
 *
 * Reports WF2009 (a product or rule name declared twice), WF2010 (a
 * wildcard or `default` declared twice) and WF2026 (`workflow` twice).
 * Declarations keep load order: main file first, then includes.
 */
import type { Span, Statement } from '../ir/nodes.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedFile } from '../loader/index.js';

/** A `product` statement. */
export type ProductDecl = Extract<Statement, { kind: 'product' }>;
/** A `rule` statement. */
export type RuleDecl = Extract<Statement, { kind: 'rule' }>;
/** A `wildcard` statement. */
export type WildcardDecl = Extract<Statement, { kind: 'wildcard' }>;
/** A `default` statement. */
export type DefaultDecl = Extract<Statement, { kind: 'default' }>;

/** Every declaration of a workflow, first declaration of each name only, in load order. */
export interface Declarations {
  readonly workflowName?: string;
  readonly products: ReadonlyMap<string, ProductDecl>;
  readonly rules: ReadonlyMap<string, RuleDecl>;
  readonly wildcards: ReadonlyMap<string, WildcardDecl>;
  readonly defaultDecl?: DefaultDecl;
}

/** Gather the declarations of `files` (in order), reporting duplicates into `diags`. */
export function collectDeclarations(files: readonly LoadedFile[], diags: Diagnostic[]): Declarations {
  const products = new Map<string, ProductDecl>();
  const rules = new Map<string, RuleDecl>();
  const wildcards = new Map<string, WildcardDecl>();
  const names = new Map<string, { kind: string; span: Span }>();
  let workflow: { name: string; span: Span } | undefined;
  let defaultDecl: DefaultDecl | undefined;

  const claim = (kind: 'product' | 'rule', name: string, span: Span): boolean => {
    const first = names.get(name);
    if (first) {
      diags.push(
        error('WF2009', `${kind} \`${name}\` has the same name as the ${first.kind} declared earlier`, span, 'products and rules share one namespace; rename one of them', [
          { message: 'first declared here', span: first.span },
        ]),
      );
      return false;
    }
    names.set(name, { kind, span });
    return true;
  };

  for (const file of files) {
    for (const st of file.ast.statements) {
      switch (st.kind) {
        case 'product':
          if (claim('product', st.name, st.nameSpan)) products.set(st.name, st);
          break;
        case 'rule':
          if (claim('rule', st.name, st.nameSpan)) rules.set(st.name, st);
          break;
        case 'wildcard': {
          const first = wildcards.get(st.name);
          if (first) {
            diags.push(
              error('WF2010', `wildcard \`${st.name}\` is declared twice`, st.nameSpan, 'keep one constraint per wildcard', [
                { message: 'first declared here', span: first.nameSpan },
              ]),
            );
          } else wildcards.set(st.name, st);
          break;
        }
        case 'workflow':
          if (workflow) {
            diags.push(
              error('WF2026', `workflow name \`${st.name}\` is declared a second time`, st.span, 'keep a single `workflow "name"` statement, in the main file', [
                { message: 'first declared here', span: workflow.span },
              ]),
            );
          } else workflow = { name: st.name, span: st.span };
          break;
        case 'default':
          if (defaultDecl) {
            diags.push(
              error('WF2010', '`default` is declared a second time', st.span, 'list every default target in a single `default` statement', [
                { message: 'first declared here', span: defaultDecl.span },
              ]),
            );
          } else defaultDecl = st;
          break;
        case 'include':
        case 'config':
          break;
        default:
          unreachable(st);
      }
    }
  }
  return {
    ...(workflow ? { workflowName: workflow.name } : {}),
    products,
    rules,
    wildcards,
    ...(defaultDecl ? { defaultDecl } : {}),
  };
}

function unreachable(x: never): never {
  throw new Error(`internal error: unexpected statement ${JSON.stringify(x)}`);
}
