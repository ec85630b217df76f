// The webview's entry: the form in this page, talking to VS Code.
import { createForm } from './form';
import type { VsCodeApi } from './savedState';

declare function acquireVsCodeApi(): VsCodeApi;

createForm(acquireVsCodeApi(), document);
