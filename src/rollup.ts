// unplugin-elf for rollup: `plugins: [elf()]`
import { unplugin } from './bundler/plugin.ts';

export type { Options } from './bundler/options.ts';
export default unplugin.rollup;
