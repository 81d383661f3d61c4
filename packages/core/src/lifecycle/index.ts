export * from './delivery.ts';
export * from './lifecycle.ts';
export { BatchMemberTakenError, type CreateResult, type NewBatch } from './record-writer.ts';
export * from './resume.ts';
export * from './table.ts';
export * from './transitions.ts';
