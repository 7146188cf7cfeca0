// The XServer route: request and renew a mail push certificate from Apple's
// certificate service (stopped in late 2024) or a compatible one.
export {
  renewXServerCertificate,
  requestXServerCertificate,
  SERVERMGRD_USER_AGENT,
  type XServerCertificate,
  type XServerNewOptions,
  type XServerRenewOptions,
  type XServerRequestOptions,
} from './client.js';
export { APPLE_XSERVER_ENDPOINT, resolveXServerEndpoint } from './endpoint.js';
export { XServerError, type XServerErrorCode } from './errors.js';
export { normalizeSerialNumber, serialNumberOfCertificate } from './serial-number.js';
export { XSERVER_SERVICES, type XServerService } from './services.js';
export {
  chooseVendorIdentity,
  loadVendorIdentities,
  type VendorIdentity,
} from './vendor-identities.js';
