/**
 * Every diagnostic code `wf` can emit, with a short title (STYLE §3).
 *
 * WF1xxx lexing/parsing, WF2xxx semantic/planning, WF3xxx execution.
 * A code is never reused; retire a code by leaving its line in place with
 * "(retired)" in the title. Every code has a golden test case.
 */
export const CODES = {
  // -- lexing and parsing (src/parser/) ------------------------------------
  WF1001: 'unexpected character',
  WF1002: 'unterminated string',
  WF1003: 'syntax error: something else was expected',
  WF1004: 'invalid escape sequence in a string',
  WF1005: 'invalid regular expression',
  WF1006: 'reserved word used as a name',
  WF1007: 'invalid number or level',

  // -- loading files (src/loader/) ------------------------------------------
  WF2001: 'included file not found or unreadable',
  WF2002: 'include cycle',
  WF2003: 'workflow file not found',

  // -- semantic checks (src/checker/) ---------------------------------------
  WF2004: 'unknown product',
  WF2005: 'unknown rule or target name',
  WF2006: 'unknown config key',
  WF2007: 'unknown wildcard',
  WF2008: 'unknown placeholder in shell command',
  WF2009: 'duplicate name',
  WF2010: 'duplicate declaration',
  WF2011: 'two rules produce the same product',
  WF2012: 'cycle between rules',
  WF2013: 'rule reads a product of a higher level',
  WF2014: 'rule writes a product of another level',
  WF2015: 'output wildcard not fixed by the inputs',
  WF2016: 'input wildcard missing from the outputs',
  WF2017: 'rule without shell command',
  WF2018: 'invalid value',
  WF2019: 'duplicate field in a rule',
  WF2020: 'rule without outputs',
  WF2021: 'unknown function or wrong arguments in when',
  WF2022: 'unknown input or output name',
  WF2023: 'invalid use of gather',
  WF2024: 'invalid path pattern',
  WF2025: 'log pattern uses a wildcard not in the outputs',
  WF2026: 'workflow declared twice',
  WF2027: 'unknown params key',
  WF2028: 'invalid slurm block entry',
  WF2050: 'unused product',
  WF2051: 'rule not reachable from the default targets',

  // -- planning (src/planner/) ----------------------------------------------
  WF2101: 'unknown target',
  WF2102: 'missing source file',
  WF2103: 'path matches no product',
  WF2104: 'path matches several products',
  WF2105: 'target excluded by when',
  WF2106: 'cannot read FITS header',
  WF2107: 'unknown wildcard in --where',
  WF2108: 'gather with no instance',
  WF2109: 'invalid --config value or config file',
  WF2110: 'two jobs write the same file',
  WF2111: 'path does not match the wildcard constraint',
  WF2112: 'cannot evaluate when',
  WF2113: 'no workflow file found',
  WF2114: 'invalid command-line option',
  WF2115: 'target excluded by --where',
  WF2116: 'cycle between jobs',
  WF2117: 'cannot render shell command',
  WF2118: 'target has nothing to build',
  WF2119: 'metrics pattern uses a wildcard not in the outputs',

  // -- execution (src/executor/) --------------------------------------------
  WF3001: 'job failed',
  WF3002: 'job timed out',
  WF3003: 'declared output not produced',
  WF3004: 'protected output would be rebuilt',
  WF3005: 'another wf run holds the lock',
  WF3006: 'stale lock taken over',
  WF3007: 'state file had a torn tail',
  WF3008: 'run interrupted',
  WF3009: 'job metrics file unreadable or not flat numbers',
  WF3010: 'run database unreadable or of a newer schema',
  WF3011: 'unknown job or run',
  WF3012: 'recorded product missing',
  WF3013: 'recorded product altered',
  WF3014: 'product on disk not recorded',
  WF3015: 'no run recorded yet',
  WF3020: 'SLURM client commands not found',
  WF3021: 'SLURM controller not reachable',
  WF3022: 'leftover SLURM jobs of a killed run cancelled',
} as const;

/** A diagnostic code such as `'WF2004'`. */
export type DiagnosticCode = keyof typeof CODES;
