export {
  applyConfigPatch,
  type ConfigResult,
  defaultConfig,
  type FieldIssue,
  SimulatorConfig,
  SimulatorConfigPatch,
} from './config.ts';
export { type EnvResult, envName, parseSimulatorEnv, type SimulatorEnv } from './env.ts';
export { runSimulatorProcess } from './run-simulator-process.ts';
export { createSimulator, type Simulator, type SimulatorOptions } from './simulator.ts';
export type { SimulatorStats } from './simulator-state.ts';
