/** What every scenario gets and gives back: figures as table rows plus free-form details for the JSON. */
import type { Summary } from './stats.ts';

export type ScenarioContext = {
  quick: boolean;
  /** Runs per system (each run measures Reelay and its baseline back to back). */
  runs: number;
  /** Worker logs and profiles go here. */
  logDir: string;
  /** Node flags for every spawned Reelay worker (e.g. `--cpu-prof`). */
  nodeArgs: string[];
  log(message: string): void;
};

/** A figure: a plain number, or a summary over runs. */
export type Figure = number | Summary;

export type Row = {
  figure: string;
  unit: string;
  reelay: Figure;
  baseline?: Figure;
  /** Reelay / baseline (paired per run when both are summaries). */
  ratio?: Figure;
  /** The target in words, e.g. "≥ 0.8 × baseline". */
  target?: string;
  met?: boolean;
};

export type ScenarioResult = {
  name: string;
  title: string;
  rows: Row[];
  /** Sizes and settings of this run, in words, for the table. */
  setup: string;
  notes: string[];
  details: Record<string, unknown>;
};

export type Scenario = {
  name: string;
  title: string;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
};
