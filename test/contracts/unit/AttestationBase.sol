// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketStateTest} from "../utils/MarketStateTest.sol";

/// @notice The fixture of the attestation-claim suites: the default offer, the chain 300 blocks in (so that nonce
/// blocks up to 256 old exist), and SPDM-shaped reports that carry a chosen nonce.
abstract contract AttestationBase is MarketStateTest {
    // The market's claim rules, restated (Attestations.t.sol checks them against the market's constants).
    uint256 internal constant MAX_REPORT = 8_192;
    uint256 internal constant MAX_CHAIN = 16_384;
    uint256 internal constant BLOCK_WINDOW = 256;
    uint256 internal constant SPDM_REQUEST = 37;
    uint8 internal constant HOPPER = 1;
    uint8 internal constant BLACKWELL = 2;
    uint256 internal constant FIRST_BLOCK = 300;

    uint256 internal offerId;

    function setUp() public virtual override {
        super.setUp();
        offerId = _createDefaultOffer();
        vm.roll(FIRST_BLOCK);
    }

    /// @dev The nonce rule, restated independently of the market.
    function _nonce(uint256 id, address who, uint256 nonceBlock) internal view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(market), id, who, blockhash(nonceBlock)));
    }

    /// @dev A report of `length` bytes (at least 37) whose SPDM request carries `nonce` at bytes 4..36, the rest
    /// a recognisable filler, as a GET_MEASUREMENTS request (version 1.1, code 0xE0) would begin.
    function _report(bytes32 nonce, uint256 length) internal pure returns (bytes memory report) {
        report = new bytes(length);
        for (uint256 i = 0; i < length; ++i) report[i] = bytes1(uint8(i * 7 + 3));
        report[0] = 0x11;
        report[1] = 0xe0;
        for (uint256 i = 0; i < 32; ++i) report[4 + i] = nonce[i];
    }

    /// @dev NVIDIA's Hopper report is 4,117 bytes.
    function _hopperReport(bytes32 nonce) internal pure returns (bytes memory) {
        return _report(nonce, 4_117);
    }

    /// @dev A stand-in for a PEM certificate chain of `length` bytes.
    function _chain(uint256 length) internal pure returns (bytes memory chain) {
        chain = new bytes(length);
        for (uint256 i = 0; i < length; ++i) chain[i] = bytes1(uint8(0x41 + (i % 26)));
    }

    /// @dev The provider publishes a valid claim against the previous block.
    function _publish(uint8 generation) internal returns (bytes memory report, bytes32 nonce) {
        uint256 nonceBlock = block.number - 1;
        nonce = _nonce(offerId, provider, nonceBlock);
        report = _hopperReport(nonce);
        vm.prank(provider);
        market.publishOfferAttestation(offerId, generation, nonceBlock, report, _chain(3_400));
    }
}
