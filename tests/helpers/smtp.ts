import type { AddressInfo } from 'net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type AddressObject, ParsedMail } from 'mailparser';

export interface TestSmtp {
  port: number;
  messages: ParsedMail[];
  /** the next `n` messages are refused with a 451 (temporary failure) */
  failNext: (n: number) => void;
  /** refuse every message until told otherwise */
  setDown: (down: boolean) => void;
  clear: () => void;
  to: (address: string) => ParsedMail[];
  /** waits (up to 10 s) until `address` has received `count` mails (or, without an address, until `count` mails in all); returns them */
  waitFor: (address: string | null, count?: number) => Promise<ParsedMail[]>;
  stop: () => Promise<void>;
  /** env vars that point the app at this server */
  env: Record<string, string>;
}

/** The first address of a mail's To: header (the mails of the app have one To: header). */
export const recipient = (m: ParsedMail) => (m.to as AddressObject).value[0].address;

/** A real SMTP server, in process, that keeps every mail it receives (parsed). */
export const startSmtp = async (): Promise<TestSmtp> => {
  const messages: ParsedMail[] = [];
  let failures = 0;
  let down = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', async () => {
        if (down || failures > 0) {
          if (failures > 0) failures -= 1;
          return callback(Object.assign(new Error('Service temporairement indisponible'), { responseCode: 451 }));
        }
        messages.push(await simpleParser(Buffer.concat(chunks)));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const to = (address: string) =>
    messages.filter((m) =>
      JSON.stringify(m.to ?? '')
        .toLowerCase()
        .includes(address.toLowerCase())
    );
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    messages,
    failNext: (n) => {
      failures = n;
    },
    setDown: (d) => {
      down = d;
    },
    clear: () => {
      messages.length = 0;
    },
    to,
    waitFor: async (address, count = 1) => {
      const received = () => (address === null ? messages : to(address));
      for (let i = 0; i < 200 && received().length < count; i++) await new Promise((r) => setTimeout(r, 50));
      if (received().length < count)
        throw new Error(`attendu en vain : ${count} e-mail(s)${address ? ` pour ${address}` : ''}, reçu(s) : ${received().length}`);
      return received();
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    env: {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(port),
      SMTP_SECURE: 'false',
      SMTP_IGNORE_TLS: 'true',
      EMAIL_FROM: 'Association Test <bureau@asso.test>',
    },
  };
};
