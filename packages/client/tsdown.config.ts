import { defineConfig } from 'tsdown';
import { library } from '../../tooling/tsdown/library.ts';

export default defineConfig(library());
