import { z } from 'zod';
export const Probe = z.object({ a: z.string() });
export type Probe = z.infer<typeof Probe>;
