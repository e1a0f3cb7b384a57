import type { LakeQuery } from '../query/lake-query.ts';
import { DashboardApi } from './dashboard-api.ts';
import { confineToLake } from './lake-lockdown.ts';
import { startUiServer, type UiServer } from './ui-server.ts';
import { bundleWebAssets } from './web-bundle.ts';

export interface DashboardOptions {
  /** The lake's views, read from the local directory `root` (the store, or its cache). */
  lake: LakeQuery;
  root: string;
  host: string;
  port: number;
  token: string | null;
  log: (line: string) => void;
}

/** The dashboard over a lake: DuckDB confined to the lake, the front end bundled, the server listening. */
export async function startDashboard(options: DashboardOptions): Promise<UiServer> {
  const assets = await bundleWebAssets();
  await confineToLake(options.lake, options.root);
  const api = new DashboardApi(options.lake, () => new Date(), options.log);
  return startUiServer({ host: options.host, port: options.port, token: options.token, api, assets, log: options.log });
}
