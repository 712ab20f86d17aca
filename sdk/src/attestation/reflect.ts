/**
 * @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API; browsers and Node do
 * not have it. Every module of this folder that uses @peculiar/x509 imports this one first.
 */
import "@abraham/reflection";
