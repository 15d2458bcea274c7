// unplugin-elf for rspack: `plugins: [elf()]`
import { unplugin } from './bundler/plugin.ts';

export type { Options } from './bundler/options.ts';
export default unplugin.rspack;
