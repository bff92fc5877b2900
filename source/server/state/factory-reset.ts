/**
 * `POST /config/factory-reset` (PROTOCOL.md 4.4): static tunnels stop, the config goes back to
 * the defaults (no peers, no proxy, a new secret key unless one is given), and with
 * `disconnect_clients` every channel is closed. Cannot be undone.
 */
import {operations} from '../../protocol/operations.js';
import type {Logger} from '../../engine/logger.js';
import type {ChannelRegistry} from '../channels/channel-registry.js';
import {serve} from '../http/operation-routes.js';
import type {RouteTable} from '../http/route-table.js';
import type {ServerState} from './server-state.js';

export function factoryResetRoutes(state: () => ServerState, channels: ChannelRegistry, logger: Logger): RouteTable {
  return serve(operations.factoryReset, async ({input}) => {
    const {disconnect_clients: disconnectClients = false} = await input();
    await factoryReset(state(), channels, disconnectClients, logger);
    return null;
  });
}

export async function factoryReset(state: ServerState, channels: ChannelRegistry, disconnectClients: boolean, logger: Logger): Promise<void> {
  await state.peers.exclusive(async () => {
    logger.warn('Factory reset: erasing the configuration');
    await state.reset();
  });
  if (disconnectClients) await channels.closeAll();
}
