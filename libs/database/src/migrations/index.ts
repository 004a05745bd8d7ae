import { Foundation1763700000000 } from './1763700000000-foundation.js';

/** Every migration, oldest first. Add new files here; never edit one that has shipped. */
export const MIGRATIONS = [Foundation1763700000000];
