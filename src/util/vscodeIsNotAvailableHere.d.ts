// What `import 'vscode'` resolves to under the folders that must run without VS Code (see their
// tsconfig.json): nothing, so any use of the API there fails to compile, in the editor too.
export {};
