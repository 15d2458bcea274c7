// '@busybox' when test/.debian/bin/busybox was not fetched (playground/fetch-busybox.mjs said why):
// the page offers no shell.
export default undefined;
