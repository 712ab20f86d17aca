// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {PlainToken} from "../mocks/PlainToken.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {OfferParams} from "../../../contracts/types/DataTypes.sol";

contract OpenLeaseWithPermit_Unit_Test is MarketStateTest {
    bytes32 internal constant PERMIT_TYPEHASH = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );

    uint256 internal offerId;
    uint256 internal deposit;
    uint256 internal deadline;

    function setUp() public override {
        super.setUp();
        offerId = _createDefaultOffer();
        deposit = _cost(H100_PRICE, 8, 1 hours);
        deadline = START_TIME + 10 minutes;
        // The buyers start without any allowance: the permit is what grants it.
        vm.prank(buyer);
        usd.approve(address(market), 0);
        vm.prank(buyer2);
        usd.approve(address(market), 0);
    }

    function test_RevertGiven_UnknownOffer() public {
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(BUYER_KEY, address(usd), buyer, deposit, deadline);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownOffer.selector, 99));
        vm.prank(buyer);
        market.openLeaseWithPermit(99, 1, 1 hours, type(uint256).max, PUBKEY, deposit, deadline, v, r, s);
    }

    function test_RevertWhen_MarketPaused() public {
        vm.prank(owner);
        market.setPaused(true);
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(BUYER_KEY, address(usd), buyer, deposit, deadline);
        vm.expectRevert(Errors.Market_Paused.selector);
        _openWithPermit(buyer, deposit, v, r, s);
        assertEq(usd.nonces(buyer), 0, "permit not consumed");
        assertEq(usd.allowance(buyer, address(market)), 0, "no allowance");
    }

    function test_WhenPermitValid_Open() public {
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(BUYER_KEY, address(usd), buyer, deposit, deadline);
        uint256 before = usd.balanceOf(buyer);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseOpened(1, offerId, buyer, 1, 1 hours, PUBKEY);
        uint256 id = _openWithPermit(buyer, deposit, v, r, s);

        assertEq(id, 1, "lease id");
        assertEq(usd.nonces(buyer), 1, "permit consumed");
        assertEq(usd.allowance(buyer, address(market)), 0, "allowance spent exactly");
        assertEq(usd.balanceOf(buyer), before - deposit, "deposit pulled");
        assertEq(usd.balanceOf(address(market)) - PROVIDER_BOND, deposit, "market holds it");
    }

    function test_WhenPermitAboveDeposit_Open() public {
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(BUYER_KEY, address(usd), buyer, 3 * deposit, deadline);
        _openWithPermit(buyer, 3 * deposit, v, r, s);
        assertEq(usd.allowance(buyer, address(market)), 2 * deposit, "the rest stays approved");
    }

    function test_WhenPermitForMarketToken_Open() public {
        OfferParams memory p = _h100Params();
        p.paymentToken = address(grid);
        p.pricePerGpuHour = 3e18;
        p.minProviderBond = GRID_MIN_BOND;
        uint256 gridOffer = _createOffer(p);
        _depositBond(provider, address(grid), GRID_BOND);
        vm.prank(buyer);
        grid.approve(address(market), 0);
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(BUYER_KEY, address(grid), buyer, 24e18, deadline);
        uint256 before = grid.balanceOf(buyer);
        vm.prank(buyer);
        market.openLeaseWithPermit(gridOffer, 1, 1 hours, 3e18, PUBKEY, 24e18, deadline, v, r, s);
        assertEq(grid.nonces(buyer), 1, "GRID permit consumed");
        assertEq(before - grid.balanceOf(buyer), 24e18, "8 GPU-hours at 3 GRID");
    }

    function test_GivenPermitFrontRun_AllowanceSuffices() public {
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(BUYER_KEY, address(usd), buyer, deposit, deadline);
        // A watcher copies the signature from the mempool and submits it first.
        vm.prank(stranger);
        usd.permit(buyer, address(market), deposit, deadline, v, r, s);
        assertEq(usd.nonces(buyer), 1, "front-runner used the permit");

        uint256 id = _openWithPermit(buyer, deposit, v, r, s);
        assertEq(market.getLease(id).buyer, buyer, "lease opened anyway");
        assertEq(usd.nonces(buyer), 1, "the permit did not run twice");
        assertEq(usd.allowance(buyer, address(market)), 0, "allowance spent");
    }

    function test_RevertGiven_PermitFrontRunAndAllowanceSpent() public {
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(BUYER_KEY, address(usd), buyer, deposit, deadline);
        vm.prank(stranger);
        usd.permit(buyer, address(market), deposit, deadline, v, r, s);
        _open(buyer, offerId, 1, 1 hours); // spends the allowance the permit granted

        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector,
                address(market),
                0,
                deposit
            )
        );
        _openWithPermit(buyer, deposit, v, r, s);
        _assertUnchanged(before);
    }

    function test_GivenPermitAlreadyUsed_AllowanceSuffices() public {
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(BUYER_KEY, address(usd), buyer, 2 * deposit, deadline);
        _openWithPermit(buyer, 2 * deposit, v, r, s);
        // Replaying the same signature: the permit fails, the leftover allowance pays.
        uint256 second = _openWithPermit(buyer, 2 * deposit, v, r, s);
        assertEq(second, 2, "second lease");
        assertEq(usd.nonces(buyer), 1, "one permit");
        assertEq(usd.allowance(buyer, address(market)), 0, "allowance spent");
        assertEq(usd.balanceOf(address(market)) - PROVIDER_BOND, 2 * deposit, "two deposits");
    }

    function test_RevertWhen_PermitSignedBySomeoneElse() public {
        // buyer2 tries to use buyer's signature: the permit is checked against the caller and fails.
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(BUYER_KEY, address(usd), buyer, deposit, deadline);
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector,
                address(market),
                0,
                deposit
            )
        );
        _openWithPermit(buyer2, deposit, v, r, s);
        _assertUnchanged(before);
        assertEq(usd.nonces(buyer), 0, "buyer's permit untouched");
    }

    function test_RevertWhen_SignatureGarbled() public {
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(BUYER_KEY, address(usd), buyer, deposit, deadline);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector,
                address(market),
                0,
                deposit
            )
        );
        _openWithPermit(buyer, deposit, v, r, bytes32(uint256(s) ^ 1));
    }

    function test_RevertWhen_PermitExpiredWithoutAllowance() public {
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(BUYER_KEY, address(usd), buyer, deposit, deadline);
        vm.warp(deadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector,
                address(market),
                0,
                deposit
            )
        );
        _openWithPermit(buyer, deposit, v, r, s);
    }

    function test_WhenPermitExpiredWithAllowance_Open() public {
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(BUYER_KEY, address(usd), buyer, deposit, deadline);
        vm.warp(deadline + 1);
        vm.prank(buyer);
        usd.approve(address(market), deposit);
        uint256 id = _openWithPermit(buyer, deposit, v, r, s);
        assertEq(id, 1, "opened on the plain allowance");
        assertEq(usd.nonces(buyer), 0, "expired permit not used");
    }

    function test_GivenTokenWithoutPermit_Open() public {
        PlainToken plain = new PlainToken("PLAIN");
        vm.prank(owner);
        market.setPaymentToken(address(plain), true);
        OfferParams memory p = _h100Params();
        p.paymentToken = address(plain);
        uint256 plainOffer = _createOffer(p);
        plain.mint(provider, MIN_BOND);
        vm.prank(provider);
        plain.approve(address(market), MIN_BOND);
        _depositBond(provider, address(plain), MIN_BOND);
        plain.mint(buyer, deposit);
        vm.prank(buyer);
        plain.approve(address(market), deposit);

        vm.prank(buyer);
        uint256 id = market.openLeaseWithPermit(
            plainOffer,
            1,
            1 hours,
            H100_PRICE,
            PUBKEY,
            deposit,
            deadline,
            27,
            bytes32(uint256(1)),
            bytes32(uint256(2))
        );
        assertEq(market.getLease(id).paymentToken, address(plain), "opened");
        assertEq(plain.balanceOf(address(market)) - MIN_BOND, deposit, "deposit pulled, beside the bond");
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    function _signPermit(
        uint256 key,
        address token,
        address owner_,
        uint256 value,
        uint256 deadline_
    ) internal view returns (uint8 v, bytes32 r, bytes32 s) {
        bytes32 structHash = keccak256(
            abi.encode(
                PERMIT_TYPEHASH,
                owner_,
                address(market),
                value,
                IERC20Permit(token).nonces(owner_),
                deadline_
            )
        );
        bytes32 digest = keccak256(
            abi.encodePacked("\x19\x01", IERC20Permit(token).DOMAIN_SEPARATOR(), structHash)
        );
        (v, r, s) = vm.sign(key, digest);
    }

    function _openWithPermit(
        address who,
        uint256 value,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) internal returns (uint256 id) {
        vm.prank(who);
        id = market.openLeaseWithPermit(offerId, 1, 1 hours, H100_PRICE, PUBKEY, value, deadline, v, r, s);
    }
}
