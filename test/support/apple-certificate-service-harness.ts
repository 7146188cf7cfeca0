import type { XServerNewOptions } from '../../shared/credentials/xserver/client.js';
import {
  loadVendorIdentities,
  type VendorIdentity,
} from '../../shared/credentials/xserver/vendor-identities.js';
import { AppleCertificateService } from './apple-certificate-service.js';
import {
  createVendorPki,
  type VendorPki,
  writeVendorFile,
} from './apple-certificate-service-pki.js';
import {
  createTempDir,
  createTestCa,
  issueServerCertificate,
  type TempDir,
} from './pki.js';

/** A running stand-in, a vendor identity on disk and an account the stand-in accepts. */
export interface XServerHarness {
  standin: AppleCertificateService;
  /** PEM of the CA that issued the stand-in's TLS certificate. */
  tlsCaPem: string;
  vendorPki: VendorPki;
  vendorFile: string;
  vendors: VendorIdentity[];
  appleId: string;
  password: string;
  temp: TempDir;
  /** Client options that reach the stand-in with the known account. */
  clientOptions(): XServerNewOptions;
  close(): Promise<void>;
}

/** Starts the stand-in and writes a vendor identity that chains to its trusted root. */
export async function startXServerHarness(): Promise<XServerHarness> {
  const tlsCa = createTestCa('xaps test TLS CA');
  const vendorPki = createVendorPki();
  const appleId = 'operator@example.com';
  const password = 'correct horse battery staple';
  const standin = await AppleCertificateService.start({
    tls: issueServerCertificate(tlsCa),
    vendorRoot: vendorPki.root.certPem,
    accounts: { [appleId]: password },
  });
  const temp = await createTempDir('xaps-xserver-');
  const vendorFile = await writeVendorFile(temp.path, vendorPki);
  const vendors = await loadVendorIdentities([vendorFile]);

  return {
    standin,
    tlsCaPem: tlsCa.certPem,
    vendorPki,
    vendorFile,
    vendors,
    appleId,
    password,
    temp,
    clientOptions: () => ({
      endpoint: standin.url,
      appleId,
      password,
      vendors,
      ca: tlsCa.certPem,
      hostName: 'mail.example.com',
      timeoutMs: 10_000,
    }),
    close: async () => {
      await standin.close();
      await temp.remove();
    },
  };
}
