/**
 * The `.wf` grammar as one Chevrotain CstParser, built once per process
 * (spec §2 statements, §6 lexing; STYLE §7). Values, blocks and `when`
 * expressions live in the base class, `grammar-values.ts`.
 *
 * Owns: the shape of the concrete syntax tree and error recovery. Names are
 * consumed as any {@link Word} so that a reserved word used as a name yields
 * a WF1006 from `to-ast.ts` instead of a cascade of syntax errors; lines that
 * cannot start a statement or rule item become `junkLine`/`junkItem` nodes,
 * reported by `to-ast.ts`. Must not: build AST nodes or decode literals.
 *
 * CST child keys are token names or `LABEL`s; `to-ast.ts` reads them.
 */
import { ValueParser } from './grammar-values.js';
import { messageContext } from './messages.js';
import * as T from './tokens.js';

/** Statements and rule items on top of {@link ValueParser}'s values and expressions. */
class WfParser extends ValueParser {
  constructor() {
    super();
    this.performSelfAnalysis();
  }

  public file = this.RULE('file', () => {
    this.MANY(() =>
      this.OR([
        { ALT: () => this.CONSUME(T.Newline) },
        {
          ALT: () => {
            this.SUBRULE(this.statement);
            this.SUBRULE(this.statementEnd);
          },
        },
      ]),
    );
  });

  public statement = this.RULE('statement', () => {
    this.ACTION(() => {
      messageContext.rule = undefined;
      messageContext.blocks.length = 0;
    });
    this.OR([
      { ALT: () => this.SUBRULE(this.workflowStmt) },
      { ALT: () => this.SUBRULE(this.includeStmt) },
      { ALT: () => this.SUBRULE(this.configStmt) },
      { ALT: () => this.SUBRULE(this.wildcardStmt) },
      { ALT: () => this.SUBRULE(this.productStmt) },
      { ALT: () => this.SUBRULE(this.defaultStmt) },
      { ALT: () => this.SUBRULE(this.ruleStmt) },
      { ALT: () => this.SUBRULE(this.junkLine) },
    ]);
  });

  public statementEnd = this.RULE('statementEnd', () => {
    this.CONSUME(T.Newline);
  });

  /** A line that cannot start a statement; reported by to-ast. */
  public junkLine = this.RULE('junkLine', () => {
    this.CONSUME(T.NotStatementStart, { LABEL: 'first' });
    this.MANY(() => this.CONSUME(T.NotNewline, { LABEL: 'rest' }));
  });

  public workflowStmt = this.RULE('workflowStmt', () => {
    this.CONSUME(T.Workflow);
    this.CONSUME(T.StringLit, { LABEL: 'name' });
  });

  public includeStmt = this.RULE('includeStmt', () => {
    this.CONSUME(T.Include);
    this.CONSUME(T.StringLit, { LABEL: 'path' });
  });

  public configStmt = this.RULE('configStmt', () => {
    this.CONSUME(T.Config);
    this.SUBRULE(this.mapBlock);
  });

  public wildcardStmt = this.RULE('wildcardStmt', () => {
    this.CONSUME(T.Wildcard);
    this.CONSUME(T.Word, { LABEL: 'name' });
    this.CONSUME(T.Equals);
    this.CONSUME(T.RegexLit, { LABEL: 'regex' });
  });

  public productStmt = this.RULE('productStmt', () => {
    this.CONSUME(T.Product);
    const name = this.CONSUME(T.Word, { LABEL: 'name' });
    this.ACTION(() => (messageContext.rule = name.image));
    this.CONSUME(T.Level, { LABEL: 'level' });
    this.CONSUME(T.StringLit, { LABEL: 'pattern' });
    this.OPTION(() => this.SUBRULE(this.productBody));
  });

  /** `{ keywords { … } }`: settings of a product, each `NAME { … }`. */
  public productBody = this.RULE('productBody', () => {
    this.CONSUME(T.LCurly);
    const close = this.openBlock(() => `product \`${messageContext.rule ?? ''}\``);
    try {
      this.SUBRULE(this.seps);
      this.MANY(() => {
        this.CONSUME(T.Word, { LABEL: 'key' });
        this.SUBRULE(this.mapBlock, { LABEL: 'block' });
        this.SUBRULE(this.entryEnd);
      });
      this.CONSUME(T.RCurly);
    } finally {
      close();
    }
  });

  public defaultStmt = this.RULE('defaultStmt', () => {
    this.CONSUME(T.Default);
    this.SUBRULE(this.target);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.target);
    });
  });

  public target = this.RULE('target', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Word, { LABEL: 'name' }) },
      { ALT: () => this.CONSUME(T.Level, { LABEL: 'level' }) },
      { ALT: () => this.CONSUME(T.StringLit, { LABEL: 'path' }) },
    ]);
  });

  public ruleStmt = this.RULE('ruleStmt', () => {
    this.CONSUME(T.Rule);
    const name = this.CONSUME(T.Word, { LABEL: 'name' });
    this.ACTION(() => (messageContext.rule = name.image));
    this.OPTION(() => this.CONSUME(T.Level, { LABEL: 'level' }));
    this.SUBRULE(this.ruleBody);
  });

  public ruleBody = this.RULE('ruleBody', () => {
    this.CONSUME(T.LCurly);
    const close = this.openBlock(() => `rule \`${messageContext.rule ?? ''}\``);
    try {
      this.SUBRULE(this.seps);
      this.MANY(() => {
        this.SUBRULE(this.ruleItem);
        this.SUBRULE(this.entryEnd);
      });
      this.CONSUME(T.RCurly);
    } finally {
      close();
    }
  });

  public ruleItem = this.RULE('ruleItem', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.inputItem) },
      { ALT: () => this.SUBRULE(this.outputItem) },
      { ALT: () => this.SUBRULE(this.paramsItem) },
      { ALT: () => this.SUBRULE(this.resourcesItem) },
      { ALT: () => this.SUBRULE(this.whenItem) },
      { ALT: () => this.SUBRULE(this.shellItem) },
      { ALT: () => this.SUBRULE(this.retriesItem) },
      { ALT: () => this.SUBRULE(this.timeoutItem) },
      { ALT: () => this.SUBRULE(this.logItem) },
      { ALT: () => this.SUBRULE(this.metricsItem) },
      { ALT: () => this.SUBRULE(this.slurmItem) },
      { ALT: () => this.SUBRULE(this.junkItem) },
    ]);
  });

  /** A rule line that does not start with an item keyword; reported by to-ast. */
  public junkItem = this.RULE('junkItem', () => {
    this.CONSUME(T.NotItemStart, { LABEL: 'first' });
    this.MANY(() => this.CONSUME2(T.NotItemStart, { LABEL: 'rest' }));
  });

  public inputItem = this.RULE('inputItem', () => {
    this.CONSUME(T.Input);
    this.ACTION(() => (messageContext.item = 'input'));
    this.OPTION(() => {
      this.CONSUME(T.Word, { LABEL: 'name' });
      this.CONSUME(T.Equals);
    });
    this.SUBRULE(this.ref);
  });

  public outputItem = this.RULE('outputItem', () => {
    this.CONSUME(T.Output);
    this.ACTION(() => (messageContext.item = 'output'));
    // `output temp = x` names an output `temp` (reported as WF1006), not a modifier.
    this.OPTION({
      GATE: () => this.LA(2).tokenType !== T.Equals,
      DEF: () =>
      this.OR([
        { ALT: () => this.CONSUME(T.Temp, { LABEL: 'modifier' }) },
        { ALT: () => this.CONSUME(T.Protected, { LABEL: 'modifier' }) },
      ]),
    });
    this.OPTION2(() => {
      this.CONSUME(T.Word, { LABEL: 'name' });
      this.CONSUME(T.Equals);
    });
    this.SUBRULE(this.ref);
  });

  /** A product name, a quoted path, or `all PRODUCT`. */
  public ref = this.RULE('ref', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.All);
          this.CONSUME(T.Word, { LABEL: 'product' });
        },
      },
      { ALT: () => this.CONSUME2(T.Word, { LABEL: 'product' }) },
      { ALT: () => this.CONSUME(T.StringLit, { LABEL: 'path' }) },
    ]);
  });

  public paramsItem = this.RULE('paramsItem', () => {
    this.CONSUME(T.Params);
    this.SUBRULE(this.mapBlock);
  });

  public resourcesItem = this.RULE('resourcesItem', () => {
    this.CONSUME(T.Resources);
    this.SUBRULE(this.mapBlock);
  });

  /** `slurm { partition = "…", account = "…", qos = "…", extra = "…" }` (wf extension). */
  public slurmItem = this.RULE('slurmItem', () => {
    this.CONSUME(T.Slurm);
    this.SUBRULE(this.mapBlock);
  });

  public whenItem = this.RULE('whenItem', () => {
    this.CONSUME(T.When);
    this.SUBRULE(this.orExpr);
  });

  public shellItem = this.RULE('shellItem', () => {
    this.CONSUME(T.Shell);
    this.OR([
      { ALT: () => this.CONSUME(T.StringLit, { LABEL: 'value' }) },
      { ALT: () => this.CONSUME(T.TripleString, { LABEL: 'value' }) },
    ]);
  });

  public retriesItem = this.RULE('retriesItem', () => {
    this.CONSUME(T.Retries);
    this.CONSUME(T.NumberLit, { LABEL: 'value' });
  });

  public timeoutItem = this.RULE('timeoutItem', () => {
    this.CONSUME(T.Timeout);
    this.CONSUME(T.StringLit, { LABEL: 'value' });
  });

  public logItem = this.RULE('logItem', () => {
    this.CONSUME(T.Log);
    this.CONSUME(T.StringLit, { LABEL: 'value' });
  });

  /** `metrics "path.json"`: a flat JSON object of numbers the job writes (wf extension). */
  public metricsItem = this.RULE('metricsItem', () => {
    this.CONSUME(T.Metrics);
    this.CONSUME(T.StringLit, { LABEL: 'value' });
  });

}

/** The process-wide parser instance (STYLE §7: built once). Not re-entrant. */
export const wfParser = new WfParser();

/** The parser's class type, for callers that name rules. */
export type { WfParser };
