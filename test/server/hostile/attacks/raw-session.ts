/** A channel, tunnels and tunnel websockets made by hand (raw HTTP and raw websockets), as an attacker would. */
import {rawRequest} from '../../../helpers/raw-http.js';
import {rawUpgrade, type RawWebsocket} from '../../../helpers/raw-websocket.js';

async function post(url: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const answer = await rawRequest(url, 'POST', path, {body});
  if (answer.status !== 200) throw new Error(`POST ${path}: ${answer.status} ${answer.text}`);
  return answer.json as Record<string, unknown>;
}

export async function upgraded(port: number, path: string): Promise<RawWebsocket> {
  const answer = await rawUpgrade(port, path);
  if (!answer.websocket) throw new Error(`upgrade of ${path}: ${answer.status} ${answer.body}`);
  return answer.websocket;
}

/** A channel whose control websocket is connected (raw). */
export async function openChannel(port: number): Promise<{channelId: number; control: RawWebsocket}> {
  const url = `http://127.0.0.1:${port}`;
  const {channel_id: channelId} = await post(url, '/channels', {version: '1.0.12'});
  const control = await upgraded(port, `/channels/${String(channelId)}/connect`);
  return {channelId: Number(channelId), control};
}

export async function openForwardTunnel(port: number, channelId: number, exitPort: number): Promise<number> {
  const url = `http://127.0.0.1:${port}`;
  const {tunnel_id: tunnelId} = await post(url, `/channels/${channelId}/tunnels`, {exit_address: '127.0.0.1', exit_port: exitPort, reverse: false});
  return Number(tunnelId);
}

export function tunnelWebsocket(port: number, channelId: number, tunnelId: number): Promise<RawWebsocket> {
  return upgraded(port, `/channels/${channelId}/tunnels/${tunnelId}/connect`);
}
