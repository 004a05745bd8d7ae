import { Foundation1763700000000 } from './1763700000000-foundation.js';
import { Audit1763730000000 } from './1763730000000-audit.js';

/** Every migration, oldest first. Add new files here; never edit one that has shipped. */
export const MIGRATIONS = [Foundation1763700000000, Audit1763730000000];
