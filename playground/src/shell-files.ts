// What the playground's shell starts with: a home directory with a few files to play with, the
// accounts `id` and `ls -l` name, and an environment for busybox's line editing.
export const SHELL_HOME = '/home/user';
export const SHELL_UID = 1000;

export const SHELL_ENV: Record<string, string> = {
  HOME: SHELL_HOME,
  USER: 'user',
  LOGNAME: 'user',
  PATH: '/bin',
  SHELL: '/bin/sh',
  TERM: 'xterm-256color',
  LANG: 'C.UTF-8',
  PS1: '\\[\\e[1;32m\\]\\u@elf\\[\\e[0m\\]:\\[\\e[1;34m\\]\\w\\[\\e[0m\\]\\$ ',
};

export const SHELL_FILES: Record<string, string> = {
  '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n',
  '/etc/group': 'root:x:0:\nuser:x:1000:\n',
  '/root/': '',
  '/tmp/': '',
  [`${SHELL_HOME}/README`]: [
    'This shell is busybox (Debian\'s arm64 build), translated ahead of time from AArch64',
    'machine code to WebAssembly and running in a Web Worker. Its terminal has a Linux line',
    'discipline: Ctrl-C interrupts the foreground job, Ctrl-D ends input, Ctrl-U/Ctrl-W edit.',
    '',
    'Try:  ls -l | sort -k5 -n      cat poem.txt | wc -w      echo $(seq 3)',
    '      sort -t, -k2 -n data.csv   sh greet.sh world          yes   (then Ctrl-C)',
    '',
  ].join('\n'),
  [`${SHELL_HOME}/poem.txt`]: [
    'The woods are lovely, dark and deep,',
    'But I have promises to keep,',
    'And miles to go before I sleep,',
    'And miles to go before I sleep.',
    '',
  ].join('\n'),
  [`${SHELL_HOME}/data.csv`]: 'name,score\nada,93\nalan,87\ngrace,99\nlinus,78\nbarbara,91\n',
  [`${SHELL_HOME}/greet.sh`]: '#!/bin/sh\n# usage: sh greet.sh NAME\necho "hello, ${1:-stranger}, from $(uname -m) code in a browser"\n',
  [`${SHELL_HOME}/notes.txt`]: 'vi works too: i to insert, Esc then :wq to save.\n',
};
