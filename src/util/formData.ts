// Stands in for the `form-data` package inside the bundle: axios imports it for building
// multipart bodies from plain objects, which this extension never asks for (it hands axios a
// standard FormData). Node's own FormData does the same job and keeps about 150 KB of MIME
// tables out of the extension.
export default globalThis.FormData;
