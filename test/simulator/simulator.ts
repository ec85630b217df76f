// A local stand-in for the 1min.ai image-to-video API (Luma Dream Machine) and for the storage
// host its videos are downloaded from, following the service's public docs and clients. Client tests,
// integration/UI tests and the demo run against it over real sockets, so it reproduces the
// service's quirks (reply variants, slow generations, gateways, odd failures) on demand.
// Node built-ins only: it must run wherever the tests run, with nothing to install.
//
// This file is the public entry: everything outside this folder imports from here.

export { Simulator } from './server';
export type { ResolvedOptions, SimulatorOptions } from './config';
export type { Fault } from './faults';
export type { Endpoint, JobInfo, SeenRequest } from './types';
