/**
 * The lower half of the `.wf` grammar: `{ … }` blocks, values and `when`
 * expressions (spec §2 `config`/`params`, §3 "`when`", §6 lexing).
 *
 * Owns: rules shared by statements and rule items; `grammar.ts` extends this
 * class with the statements. Must not: call `performSelfAnalysis` (the
 * subclass does, once). Precedence: or < and < not < comparison < primary.
 */
import { CstParser, EMPTY_ALT, type IToken, type TokenType } from 'chevrotain';
import { errorMessageProvider, messageContext } from './messages.js';
import * as T from './tokens.js';

/** Base parser with the value and expression rules; see `grammar.ts`. */
export class ValueParser extends CstParser {
  constructor() {
    super(T.ALL_TOKENS as TokenType[], {
      recoveryEnabled: true,
      maxLookahead: 2,
      nodeLocationTracking: 'full',
      errorMessageProvider,
      skipValidations: T.SKIP_GRAMMAR_VALIDATIONS,
    });
  }

  /** Push the `{` owner for messages; returns a function that pops it. */
  protected openBlock(owner: () => string): () => void {
    let pushed = false;
    this.ACTION(() => {
      const open = this.LA(0);
      messageContext.blocks.push({ owner: owner(), line: open.startLine ?? 0 });
      pushed = true;
    });
    return () => {
      if (pushed) messageContext.blocks.pop();
    };
  }

  /** Newlines and commas between entries (blank lines allowed anywhere). */
  public seps = this.RULE('seps', () => {
    this.MANY(() => this.OR([{ ALT: () => this.CONSUME(T.Newline) }, { ALT: () => this.CONSUME(T.Comma) }]));
  });

  /** After an entry or item: a newline, a comma, or (without consuming it) the closing `}`. */
  public entryEnd = this.RULE('entryEnd', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Newline) },
      { ALT: () => this.CONSUME(T.Comma) },
      { GATE: () => this.LA(1).tokenType === T.RCurly, ALT: EMPTY_ALT() },
    ]);
    this.SUBRULE(this.seps);
  });

  /** `{ key = value … }`; keys may be reserved words (e.g. `log`, `input`). */
  public mapBlock = this.RULE('mapBlock', () => {
    this.CONSUME(T.LCurly);
    const close = this.openBlock(() => blockOwner(this.LA(-1)));
    try {
      this.SUBRULE(this.seps);
      this.MANY(() => {
        this.SUBRULE(this.entry);
        this.SUBRULE(this.entryEnd);
      });
      this.CONSUME(T.RCurly);
    } finally {
      close();
    }
  });

  public entry = this.RULE('entry', () => {
    this.CONSUME(T.Word, { LABEL: 'key' });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.value);
  });

  public value = this.RULE('value', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.StringLit, { LABEL: 'string' }) },
      { ALT: () => this.CONSUME(T.TripleString, { LABEL: 'string' }) },
      { ALT: () => this.CONSUME(T.NumberLit, { LABEL: 'number' }) },
      { ALT: () => this.CONSUME(T.True, { LABEL: 'boolean' }) },
      { ALT: () => this.CONSUME(T.False, { LABEL: 'boolean' }) },
      { ALT: () => this.SUBRULE(this.list) },
      { ALT: () => this.SUBRULE(this.mapBlock) },
      { ALT: () => this.SUBRULE(this.configRef) },
    ]);
  });

  public list = this.RULE('list', () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.value, { LABEL: 'items' });
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.value, { LABEL: 'items' });
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBracket);
  });

  public configRef = this.RULE('configRef', () => {
    this.CONSUME(T.Config);
    this.SUBRULE(this.memberPath);
  });

  /** `.a.b…` after a scope; any word (or a level) may follow a dot. */
  public memberPath = this.RULE('memberPath', () => {
    this.AT_LEAST_ONE(() => {
      this.CONSUME(T.Dot);
      this.OR([
        { ALT: () => this.CONSUME(T.Word, { LABEL: 'part' }) },
        { ALT: () => this.CONSUME(T.Level, { LABEL: 'part' }) },
      ]);
    });
  });

  // -- `when` expressions: or < and < not < comparison < primary -----------

  public orExpr = this.RULE('orExpr', () => {
    this.SUBRULE(this.andExpr, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.andExpr, { LABEL: 'operands' });
    });
  });

  public andExpr = this.RULE('andExpr', () => {
    this.SUBRULE(this.notExpr, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.notExpr, { LABEL: 'operands' });
    });
  });

  public notExpr = this.RULE('notExpr', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.SUBRULE(this.notExpr, { LABEL: 'operand' });
        },
      },
      { ALT: () => this.SUBRULE(this.cmpExpr) },
    ]);
  });

  public cmpExpr = this.RULE('cmpExpr', () => {
    this.SUBRULE(this.primary, { LABEL: 'left' });
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.EqEq, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.NotEq, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.LtEq, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.GtEq, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Lt, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Gt, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.In, { LABEL: 'op' }) },
        {
          ALT: () => {
            this.CONSUME(T.Not, { LABEL: 'negation' });
            this.CONSUME2(T.In, { LABEL: 'op' });
          },
        },
      ]);
      this.SUBRULE2(this.primary, { LABEL: 'right' });
    });
  });

  public primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.StringLit, { LABEL: 'string' }) },
      { ALT: () => this.CONSUME(T.NumberLit, { LABEL: 'number' }) },
      { ALT: () => this.CONSUME(T.True, { LABEL: 'boolean' }) },
      { ALT: () => this.CONSUME(T.False, { LABEL: 'boolean' }) },
      { ALT: () => this.SUBRULE(this.list) },
      { ALT: () => this.SUBRULE(this.call) },
      { ALT: () => this.SUBRULE(this.member) },
      { ALT: () => this.CONSUME(T.Identifier, { LABEL: 'name' }) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.orExpr, { LABEL: 'inner' });
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });

  public call = this.RULE('call', () => {
    this.CONSUME(T.Identifier, { LABEL: 'callee' });
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.orExpr, { LABEL: 'args' });
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.orExpr, { LABEL: 'args' });
      });
    });
    this.CONSUME(T.RParen);
  });

  public member = this.RULE('member', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier, { LABEL: 'scope' }) },
      { ALT: () => this.CONSUME(T.Config, { LABEL: 'scope' }) },
      { ALT: () => this.CONSUME(T.Params, { LABEL: 'scope' }) },
      { ALT: () => this.CONSUME(T.Input, { LABEL: 'scope' }) },
    ]);
    this.SUBRULE(this.memberPath);
  });
}

/** What a `{` belongs to, named from the token before it (for messages). */
function blockOwner(before: IToken): string {
  switch (before.tokenType) {
    case T.Config:
      return 'config block';
    case T.Params:
      return 'params block';
    case T.Resources:
      return 'resources block';
    case T.Slurm:
      return 'slurm block';
    case T.Equals:
      return 'map';
    default:
      return before.image === 'keywords' ? 'keywords block' : 'block';
  }
}

