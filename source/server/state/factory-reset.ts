/**
 * `POST /config/factory-reset` (PROTOCOL.md 4.4): static tunnels stop, the config goes back to
 * the defaults (no peers, no proxy, a new secret key unless one is given), and with
 * `disconnect_clients` every channel is closed. Cannot be undone.
 */
import {parseFactoryResetBody} from '../../protocol/server-objects.js';
import type {Logger} from '../../engine/logger.js';
import type {ChannelRegistry} from '../channels/channel-registry.js';
import type {RouteTable} from '../http/route-table.js';
import type {ServerState} from './server-state.js';

export function factoryResetRoutes(state: () => ServerState, channels: ChannelRegistry, logger: Logger): RouteTable {
  return {
    rest: {
      factoryReset: {
        POST: async ({readBody}) => {
          const {disconnect_clients: disconnectClients = false} = parseFactoryResetBody(await readBody());
          await factoryReset(state(), channels, disconnectClients, logger);
          return {json: null};
        },
      },
    },
    upgrade: {},
  };
}

export async function factoryReset(state: ServerState, channels: ChannelRegistry, disconnectClients: boolean, logger: Logger): Promise<void> {
  await state.peers.exclusive(async () => {
    logger.warn('Factory reset: erasing the configuration');
    await state.reset();
  });
  if (disconnectClients) await channels.closeAll();
}
