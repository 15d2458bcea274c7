// `/// <reference types="unplugin-elf/client" />`: types for `import tool from './tool.elf'`.
declare module '*.elf' {
  const program: import('unplugin-elf/program').ElfProgram;
  export default program;
}

// `import url from './tool.elf?url'`: the translation's URL
declare module '*.elf?url' {
  const url: string;
  export default url;
}
