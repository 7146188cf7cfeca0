/**
 * The push services macOS Server requested certificates for in one XServer request.
 * This project pushes with the mail certificate only. The others can be requested as
 * macOS Server did, in case a service requires the full set.
 */
export type XServerService = 'mail' | 'calendar' | 'contact' | 'mgmt' | 'alerts';

export const XSERVER_SERVICES: readonly XServerService[] = [
  'mail',
  'calendar',
  'contact',
  'mgmt',
  'alerts',
];

interface ServiceFacts {
  /** The ServiceType value of a CertRequestList entry. */
  serviceType: string;
  /**
   * The CSR subject common name. macOS Server names the key of each push service after
   * it in the System keychain (com.apple.servermgrd.apns.mail for mail).
   */
  commonName: string;
  /** The suffix of the Description value, after "<host name> - ". */
  descriptionSuffix: string;
}

// Values as in the request body that macOS Server 5.10 produced, published by the
// macos-server-apns-certs project.
const FACTS: Record<XServerService, ServiceFacts> = {
  mail: {
    serviceType: 'Service_Mail',
    commonName: 'com.apple.servermgrd.apns.mail',
    descriptionSuffix: 'apns:com.apple.mail',
  },
  calendar: {
    serviceType: 'Service_Calendar',
    commonName: 'com.apple.servermgrd.apns.calendar',
    descriptionSuffix: 'apns:com.apple.calendar',
  },
  contact: {
    serviceType: 'Service_Contact',
    commonName: 'com.apple.servermgrd.apns.contact',
    descriptionSuffix: 'apns:com.apple.contact',
  },
  mgmt: {
    serviceType: 'Service_Mgmt',
    commonName: 'com.apple.servermgrd.apns.mgmt',
    descriptionSuffix: 'apns:com.apple.mgmt',
  },
  alerts: {
    serviceType: 'Service_Alerts',
    commonName: 'com.apple.server.apns.alerts',
    descriptionSuffix: 'apns:com.apple.alerts',
  },
};

/** Returns the ServiceType, CSR common name and description suffix of `service`. */
export function serviceFacts(service: XServerService): ServiceFacts {
  return FACTS[service];
}
