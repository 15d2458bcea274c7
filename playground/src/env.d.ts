// '@busybox' (vite.config.ts): Debian's busybox translated, or undefined when it was not fetched
declare module '@busybox' {
  const busybox: import('unplugin-elf/program').ElfProgram | undefined;
  export default busybox;
}
