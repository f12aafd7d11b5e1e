/** Values of the Raspberry-Pi platform document that several tests check or start from. */

/** The `trading-canary` VirtualService spec exactly as the document writes it (90/10, /api/v2 to v2). */
export const PI_TRADING_CANARY_SPEC = {
  hosts: ['trading-agent-service'],
  http: [
    { match: [{ uri: { prefix: '/api/v2' } }], route: [{ destination: { host: 'trading-agent-service', subset: 'v2' } }] },
    {
      route: [
        { destination: { host: 'trading-agent-service', subset: 'v1' }, weight: 90 },
        { destination: { host: 'trading-agent-service', subset: 'v2' }, weight: 10 },
      ],
    },
  ],
};
