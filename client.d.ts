// `/// <reference types="unplugin-elf/client" />`: types for `import tool from './tool.elf'`.
declare module '*.elf' {
  const program: import('unplugin-elf/program').ElfProgram;
  export default program;
}
