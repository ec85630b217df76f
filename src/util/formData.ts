// Stands in for the `form-data` package inside the bundle: axios imports it for building
// multipart bodies from plain objects, which this extension never asks for (it streams its own
// multipart body). Node's own FormData would do the same job, and the alias keeps about 150 KB
// of MIME tables out of the extension.
export default globalThis.FormData;
