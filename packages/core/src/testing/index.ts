/** The record hash's field names, for test observers that read many records in one pipeline. */
export { F as RECORD_FIELDS } from '../record-codec.ts';
export * from './record-fixture.ts';
