/**
 * Scenario 5, polling efficiency (pure, no waiting): Reelay's schedule with its configured defaults
 * against fixed 5 s polling (Vtrix CLI) and DashScope's 1 s → 5 s doubling, over task durations
 * drawn uniformly from 30–900 s; then the best settings of the current shape and the proposed
 * elapsed-proportional shape.
 */
import { loadConfig } from '@reelay/core';
import { type Evaluation, evaluate, judge, seededRandom, uniformDurations } from '../poll-model.ts';
import { searchReelaySettings } from '../poll-search.ts';
import type { Row, Scenario } from '../scenario.ts';
import {
  dashScopeSchedule,
  fixedSchedule,
  PROPOSED,
  proportionalSchedule,
  reelaySchedule,
} from '../schedules.ts';
import { round } from '../stats.ts';

const MIN_MS = 30_000;
const MAX_MS = 900_000;

function compact(e: Evaluation) {
  return {
    pollsMean: round(e.polls.mean),
    pollsP50: e.polls.p50,
    pollsP99: e.polls.p99,
    lagP50Ms: Math.round(e.lagMs.p50),
    lagP99Ms: Math.round(e.lagMs.p99),
    lagMaxMs: Math.round(e.lagMs.max),
    lagBudgetP99: round(e.lagBudgetP99),
    lagBudgetMax: round(e.lagBudgetMax),
  };
}

export const polling: Scenario = {
  name: 'polling',
  title: 'Polling efficiency (model)',
  async run(ctx) {
    const n = ctx.quick ? 5_000 : 100_000;
    const seed = 20_251_124;
    const durations = uniformDurations(n, MIN_MS, MAX_MS, seededRandom(seed));
    const defaults = loadConfig({}).poll;
    const random = seededRandom(seed + 1);

    const fixed5s = evaluate(fixedSchedule(5_000), durations, random);
    const dashScope = evaluate(dashScopeSchedule(), durations, random);
    const current = evaluate(reelaySchedule(defaults), durations, random);
    const proposed = evaluate(proportionalSchedule(PROPOSED), durations, random);
    ctx.log(`polling: searching the current shape's settings on ${ctx.quick ? 500 : 3_000} tasks`);
    const search = searchReelaySettings({
      screenDurations: durations.slice(0, ctx.quick ? 500 : 3_000),
      fullDurations: durations.slice(0, ctx.quick ? 5_000 : 30_000),
      fixed5s,
      deadlineMs: defaults.deadlineMs,
      random,
    });
    const bestCurrentShape = search.best[0];

    const row = (figure: string, e: Evaluation): Row[] => {
      const j = judge(e, fixed5s);
      return [
        {
          figure: `${figure}: polls per generation (mean)`,
          unit: 'polls',
          reelay: round(e.polls.mean),
          baseline: round(fixed5s.polls.mean),
          ratio: round(j.pollRatio),
          target: '≤ 1/3 of fixed 5 s',
          met: j.pollRatio <= 1 / 3,
        },
        {
          figure: `${figure}: detection lag p50`,
          unit: 's',
          reelay: round(e.lagMs.p50 / 1000),
          baseline: round(fixed5s.lagMs.p50 / 1000),
        },
        {
          figure: `${figure}: detection lag p99`,
          unit: 's',
          reelay: round(e.lagMs.p99 / 1000),
          baseline: round(fixed5s.lagMs.p99 / 1000),
        },
        {
          figure: `${figure}: p99 of lag ÷ (10% of duration + 1 s)`,
          unit: '×',
          reelay: round(e.lagBudgetP99),
          baseline: round(fixed5s.lagBudgetP99),
          target: '≤ 1',
          met: e.lagBudgetP99 <= 1,
        },
      ];
    };
    // The baseline column is fixed 5 s polling throughout.
    const rows = [
      ...row(
        `defaults (first ${defaults.initialDelayMs / 1000} s, then ${defaults.ratio} × elapsed + ${defaults.slackMs / 1000} s, max ${defaults.maxDelayMs / 1000} s)`,
        current,
      ),
      ...row('proposed proportional', proposed),
    ];
    if (bestCurrentShape) {
      const s = bestCurrentShape.settings;
      rows.push(
        ...row(
          `best geometric shape (${s.initialDelayMs / 1000} s, ×${s.factor}, max ${s.maxDelayMs / 1000} s)`,
          bestCurrentShape.evaluation,
        ),
      );
    }

    return {
      name: 'polling',
      title: 'Polling efficiency (model)',
      setup: `${n.toLocaleString('en')} task durations uniform in 30–900 s (seed ${seed}); Reelay defaults ${JSON.stringify({ initialDelayMs: defaults.initialDelayMs, ratio: defaults.ratio, slackMs: defaults.slackMs, maxDelayMs: defaults.maxDelayMs })}, jitter shortens by up to 10%`,
      rows,
      notes: [
        `fixed 5 s: ${compact(fixed5s).pollsMean} polls/generation, lag p99 ${round(fixed5s.lagMs.p99 / 1000)} s; DashScope 1 s→5 s: ${compact(dashScope).pollsMean} polls, lag p99 ${round(dashScope.lagMs.p99 / 1000)} s`,
        `grid over the former geometric shape: ${search.tried} settings tried, ${search.passedScreen} passed the screen, ${search.best.filter((c) => c.met).length} of the best ${search.best.length} meet the target on the full sample`,
      ],
      details: {
        durations: { n, minMs: MIN_MS, maxMs: MAX_MS, seed },
        fixed5s: compact(fixed5s),
        dashScope: compact(dashScope),
        reelayDefaults: { settings: defaults, ...compact(current), ...judge(current, fixed5s) },
        proposed: { settings: PROPOSED, ...compact(proposed), ...judge(proposed, fixed5s) },
        currentShapeSearch: {
          tried: search.tried,
          passedScreen: search.passedScreen,
          best: search.best.map((c) => ({
            settings: c.settings,
            ...compact(c.evaluation),
            pollRatio: round(c.pollRatio),
            met: c.met,
          })),
        },
      },
    };
  },
};
