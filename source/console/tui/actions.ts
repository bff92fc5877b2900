/**
 * The forms and confirmations of the TUI that act on a server (those on the saved servers:
 * saved-server-actions.ts), each a thin face over one console command: the
 * fields check what is typed with the validators the commands use, and submitting runs the
 * command. What a command resolves with becomes the status line; what it throws stays in
 * the form, verbatim.
 */
import {formatEndpoint} from '../format.js';
import * as commands from '../commands.js';
import * as configuration from '../configuration-commands.js';
import type {ServerHandle} from '../server-handle.js';
import type {TunnelRow} from '../store.js';
import {ipv4Error, jsonObjectError, nameError, portError, urlError} from '../validate.js';
import type {ConfirmSpec} from './confirm.js';
import type {FormSpec, FormValues} from './form.js';
import type {ChannelRow} from './pane-rows.js';
import type {HttpProxyInfo, PeerInfo, StaticTunnelInfo} from '../../protocol/server-objects.js';

const optionalPort = (text: string) => portError(text, {optional: true});
const optionalIpv4 = (text: string) => ipv4Error(text, {optional: true});
const portOrNull = (text: string) => (text.trim() === '' ? null : Number(text.trim()));
const textOrDefault = (text: string, fallback: string) => (text.trim() === '' ? fallback : text.trim());

export function newTunnelForm(server: ServerHandle): FormSpec {
  const forward = (values: FormValues) => values.direction === 'forward';
  return {
    title: `New tunnel on ${server.target.name}, run by this console`,
    intro: 'forward: this console listens, the server connects to the exit. reverse: the other way round.',
    fields: [
      {name: 'direction', label: 'Direction', kind: 'choice', choices: ['forward', 'reverse']},
      {
        name: 'exitAddress',
        label: (values) => (forward(values) ? 'Exit address (server side)' : 'Exit address (this side)'),
        initial: '127.0.0.1',
        check: (text) => ipv4Error(text),
      },
      {name: 'exitPort', label: 'Exit port', placeholder: 'e.g. 22', check: (text) => portError(text)},
      {
        name: 'entranceAddress',
        label: (values) => (forward(values) ? 'Listen address (here)' : 'Listen address (server)'),
        initial: '127.0.0.1',
        check: (text) => ipv4Error(text),
      },
      {name: 'entrancePort', label: 'Listen port', placeholder: 'empty: a free one', check: optionalPort},
    ],
    async submit(values) {
      const opened =
        values.direction === 'forward'
          ? await commands.openForwardTunnel(server, {
              exitAddress: values.exitAddress!,
              exitPort: Number(values.exitPort),
              localAddress: values.entranceAddress!,
              localPort: portOrNull(values.entrancePort ?? ''),
            })
          : await commands.openReverseTunnel(server, {
              entranceAddress: values.entranceAddress!,
              entrancePort: portOrNull(values.entrancePort ?? ''),
              exitAddress: values.exitAddress!,
              exitPort: Number(values.exitPort),
            });
      const id = `${opened.channelId}/${opened.tunnelId}`;
      const entrance = formatEndpoint(opened.entrance);
      const where = opened.direction === 'forward' ? 'here' : 'on the server';
      return {
        text: `Tunnel ${id} open: connect to ${entrance} (${where}) to reach ${formatEndpoint(opened.exit)}`,
        short: `Tunnel ${id}: ${entrance} (${where}) -> ${formatEndpoint(opened.exit)}`,
        tone: 'own',
        select: {pane: 'tunnels', key: `${opened.channelId}/${opened.tunnelId}`},
      };
    },
  };
}

export function tearDownConfirm(server: ServerHandle, tunnel: TunnelRow): ConfirmSpec {
  if (tunnel.reopening) {
    return {
      title: `Give up reopening tunnel ${tunnel.channelId}/${tunnel.id}?`,
      lines: [`${tunnel.direction} ${formatEndpoint(tunnel.entrance)} -> ${formatEndpoint(tunnel.exit)}`, 'It was lost with its server; it will not be opened again.'],
      async run() {
        server.forgetReopening(tunnel.key);
        return {text: `Tunnel ${tunnel.channelId}/${tunnel.id} given up`, tone: 'ok'};
      },
    };
  }
  return {
    title: `Tear down tunnel ${tunnel.channelId}/${tunnel.id}?`,
    lines: [
      `${tunnel.direction} ${formatEndpoint(tunnel.entrance)} -> ${formatEndpoint(tunnel.exit)}, ${tunnel.active} connection(s) open`,
      tunnel.own
        ? "It is this console's own: its entrance closes now."
        : 'The server stops it and tells the client that opened it (a 1.0.12 server cannot tell it).',
      'Open connections are cut.',
    ],
    async run() {
      await commands.closeTunnel(server, {channelId: tunnel.channelId, tunnelId: tunnel.id, force: true});
      return {text: `Tunnel ${tunnel.channelId}/${tunnel.id} torn down`, tone: 'ok'};
    },
  };
}

export function disconnectConfirm(server: ServerHandle, channel: ChannelRow): ConfirmSpec {
  return {
    title: `Disconnect channel ${channel.id}?`,
    lines: [
      `Client ${channel.client_version} from ${channel.remote_address ?? '?'}, ${channel.tunnel_count} tunnel(s).`,
      channel.own ? "It is this console's own channel: its tunnels stop." : 'Its tunnels stop and their entrance ports close.',
    ],
    async run() {
      await commands.disconnectChannel(server, channel.id);
      return {text: `Channel ${channel.id} disconnected`, tone: 'ok'};
    },
  };
}

export function addPeerForm(server: ServerHandle): FormSpec {
  return {
    title: `Add a peer to ${server.target.name}`,
    intro: 'A peer is another NETunnel server; this server checks that it can reach it first.',
    fields: [
      {name: 'name', label: 'Name', check: nameError},
      {name: 'url', label: 'URL', placeholder: 'http://host:4040', check: (text) => urlError(text)},
      {name: 'authData', label: 'Auth data (JSON)', placeholder: '{} (no auth)', check: (text) => jsonObjectError(text, {optional: true})},
    ],
    async submit(values) {
      const peer = await configuration.addPeer(server, {name: values.name!, url: values.url!, authData: values.authData ?? ''});
      return {text: `Peer ${peer.name} added (id ${peer.id})`, tone: 'ok'};
    },
  };
}

export function renamePeerForm(server: ServerHandle, peer: PeerInfo): FormSpec {
  return {
    title: `Rename peer ${peer.name}`,
    fields: [{name: 'name', label: 'New name', initial: peer.name, check: nameError}],
    async submit(values) {
      const renamed = await configuration.renamePeer(server, peer.id, values.name!);
      return {text: `Peer ${peer.name} is now ${renamed.name}`, tone: 'ok'};
    },
  };
}

export function editPeerForm(server: ServerHandle, peer: PeerInfo): FormSpec {
  return {
    title: `Edit peer ${peer.name}`,
    intro: 'Changing the URL or the auth data restarts its static tunnels.',
    fields: [
      {name: 'url', label: 'URL', initial: peer.target_netunnel_url, check: (text) => urlError(text)},
      {name: 'authData', label: 'Auth data (JSON)', placeholder: 'empty: unchanged', check: (text) => jsonObjectError(text, {optional: true})},
    ],
    async submit(values) {
      const changes: {url?: string; authData?: string} = {};
      if (values.url !== peer.target_netunnel_url) changes.url = values.url!;
      if ((values.authData ?? '').trim() !== '') changes.authData = values.authData!;
      await configuration.editPeer(server, peer.id, changes);
      return {text: `Peer ${peer.name} changed`, tone: 'ok'};
    },
  };
}

export function removePeerConfirm(server: ServerHandle, peer: PeerInfo): ConfirmSpec {
  return {
    title: `Remove peer ${peer.name}?`,
    lines: [`${peer.target_netunnel_url}`, `Its ${peer.static_tunnels.length} static tunnel(s) stop and are forgotten.`],
    async run() {
      await configuration.removePeer(server, peer.id);
      return {text: `Peer ${peer.name} removed`, tone: 'ok'};
    },
  };
}

export function addStaticTunnelForm(server: ServerHandle, peer: PeerInfo): FormSpec {
  return {
    title: `Add a static tunnel through peer ${peer.name}`,
    intro: 'The server listens on a port of its choice and keeps the tunnel up through the peer.',
    fields: [
      {name: 'remotePort', label: 'Remote port', placeholder: 'e.g. 22', check: (text) => portError(text)},
      {name: 'remoteAddress', label: 'Remote address', initial: '127.0.0.1', check: optionalIpv4},
      {name: 'localAddress', label: 'Listen address', initial: '127.0.0.1', check: optionalIpv4},
    ],
    async submit(values) {
      const created = await configuration.addStaticTunnel(server, peer.id, {
        remotePort: Number(values.remotePort),
        remoteAddress: textOrDefault(values.remoteAddress ?? '', '127.0.0.1'),
        localAddress: textOrDefault(values.localAddress ?? '', '127.0.0.1'),
      });
      return {
        text: `Static tunnel ${created.id} of ${peer.name}: ${created.tunnel_local_address}:${created.tunnel_local_port} -> ${created.tunnel_remote_address}:${created.tunnel_remote_port}`,
        tone: 'ok',
      };
    },
  };
}

export function removeStaticTunnelConfirm(server: ServerHandle, peer: PeerInfo, tunnel: StaticTunnelInfo): ConfirmSpec {
  return {
    title: `Remove static tunnel ${tunnel.id} of peer ${peer.name}?`,
    lines: [`${tunnel.tunnel_local_address}:${tunnel.tunnel_local_port} -> ${tunnel.tunnel_remote_address}:${tunnel.tunnel_remote_port}`, 'Its port closes.'],
    async run() {
      await configuration.removeStaticTunnel(server, peer.id, tunnel.id);
      return {text: `Static tunnel ${tunnel.id} of ${peer.name} removed`, tone: 'ok'};
    },
  };
}

export function proxyForm(server: ServerHandle, current: HttpProxyInfo): FormSpec {
  const now = current.proxy_url ? `now ${current.proxy_url}${current.username ? ` (user ${current.username})` : ''}` : 'now none';
  return {
    title: `HTTP proxy of ${server.target.name} (used toward its peers)`,
    intro: `${now}. An empty URL clears it.`,
    fields: [
      {name: 'url', label: 'Proxy URL', initial: current.proxy_url ?? '', placeholder: 'empty: no proxy', check: (text) => urlError(text, {optional: true})},
      {name: 'username', label: 'Username', check: (text, values) => (text === '' && (values.password ?? '') !== '' ? 'goes with the password' : undefined)},
      {name: 'password', label: 'Password', kind: 'password', check: (text, values) => (text === '' && (values.username ?? '') !== '' ? 'goes with the username' : undefined)},
      {name: 'check', label: 'Check it first', kind: 'choice', choices: ['yes', 'no']},
      {
        name: 'testUrl',
        label: 'Test URL',
        // The server's default is a public site: offline, a peer's URL (or any in reach) is the test.
        placeholder: "empty: the server's default (a public site)",
        visible: (values) => values.check !== 'no' && (values.url ?? '').trim() !== '',
        check: (text) => urlError(text, {optional: true}),
      },
    ],
    async submit(values) {
      const name = server.target.name;
      if ((values.url ?? '').trim() === '') {
        await configuration.clearProxy(server);
        return {text: current.proxy_url ? `Proxy of ${name} cleared (it was ${current.proxy_url}): it reaches its peers directly` : `${name} had no proxy: nothing to clear`, tone: 'ok'};
      }
      const check = values.check !== 'no';
      const testUrl = (values.testUrl ?? '').trim();
      const answer = await configuration.setProxy(server, {
        url: values.url!,
        ...(values.username ? {username: values.username} : {}),
        ...(values.password ? {password: values.password} : {}),
        ...(check && testUrl !== '' ? {testUrl} : {}),
        check,
      });
      const checked = !check ? 'not checked' : `checked: ${testUrl === '' ? "the server's test URL" : testUrl} answered through it`;
      return {text: `Proxy of ${name} set to ${answer.proxy_url ?? values.url} (${checked})`, tone: 'ok'};
    },
  };
}

export function factoryResetForm(server: ServerHandle): FormSpec {
  return {
    title: `Factory reset ${server.target.name}?`,
    intro: 'Erases its peers, static tunnels and proxy. It cannot be undone.',
    fields: [
      {name: 'disconnect', label: 'Disconnect every client too', kind: 'choice', choices: ['no', 'yes']},
      {name: 'confirm', label: 'Type "reset" to confirm', check: (text) => (text.trim() === 'reset' ? undefined : 'type reset')},
    ],
    async submit(values) {
      await configuration.factoryReset(server, {disconnectClients: values.disconnect === 'yes'});
      return {text: `${server.target.name} was reset to its defaults`, tone: 'ok'};
    },
  };
}
